// The in-process composite follows the room while it records: a joiner's tile shows their camera
// within a second of their stream, decoders that die are replaced, a camera turned off becomes an avatar, a screen share takes the
// main area (the others in a strip), a leaver's tile goes. Checked on frames of the MP4 at the times
// the events happened; the mixed audio is not silent.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ErrorCode } from '@roomkit/protocol';
import { launchChromium, type LaunchedBrowser } from './helpers/chromium.js';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { callMeeting, events, join as joinMeeting, openSdkPage, remoteState, startScreenShare, waitFor } from './helpers/sdkPage.js';
import { frameAt, region, regionChange, type SmallFrame } from './helpers/frameAt.js';
import { probeStream } from './helpers/probeStream.js';
import { meanVolume } from './helpers/meanVolume.js';
import { generateToken } from '../src/auth/AccessToken.js';
import { DEV_API_KEY, DEV_API_SECRET } from '../src/config/defaults.js';

const MEETING = 'layout-room';
// The operator's backend (REST is the crawler role's; a meeting token may only create and read rooms).
const restToken = generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join', 'allow_mod'], roles: ['crawler'] });
/** The avatar square's colour (RoomFeeds/avatar.ts) and the tile colour of the DARK theme. */
const AVATAR = { r: 0x5a, g: 0x62, b: 0x70 };
const TILE = { r: 0x23, g: 0x26, b: 0x2d };

let server: TestServer;
let browser: LaunchedBrowser;
let tmp: string;
let ada: Page;
let bob: Page;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'roomkit-layout-test-'));
  server = await startTestServer();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await rm(tmp, { recursive: true, force: true });
});

type Rgb = { r: number; g: number; b: number };
const near = (a: Rgb, b: Rgb, tolerance = 14) => Math.abs(a.r - b.r) <= tolerance && Math.abs(a.g - b.g) <= tolerance && Math.abs(a.b - b.b) <= tolerance;
/** A camera or share shows moving, structured content: not a flat tile, not the avatar square. */
const isPicture = (f: SmallFrame, x0: number, y0: number, x1: number, y1: number) => {
  const c = region(f, x0, y0, x1, y1);
  return !near(c, TILE) && !near(c, AVATAR);
};
const describeRegion = (f: SmallFrame, x0: number, y0: number, x1: number, y1: number) => JSON.stringify(region(f, x0, y0, x1, y1), (_k, v) => (typeof v === 'number' ? Math.round(v) : v));

/** This test's server's ffmpeg children (other test files run beside it) whose command line has all of `parts`. */
async function ffmpegs(...parts: string[]): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== process.pid) continue;
    const cmd = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes('ffmpeg') && parts.every((p) => cmd.includes(p))) pids.push(Number(entry));
  }
  return pids;
}
/** The composite's video decoders: RTP in (SDP), raw video out. */
const videoDecoders = () => ffmpegs('sdp', 'rawvideo');
/** Every ffmpeg of the composite (decoders and the encoder reading raw video). */
const ffmpegChildren = () => ffmpegs('pipe:');

describe('the composite follows joins, camera off, screen share and leaves', () => {
  const marks: Record<string, number> = {};
  let file = '';

  it('records while Bob joins, Ada turns her camera off, Bob shares his screen and leaves', async () => {
    ada = await openSdkPage(browser, server.url, 'ada');
    expect((await joinMeeting(ada, { meetingId: MEETING, name: 'Ada', participantId: 'ada' })).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 1500));
    const started = await callMeeting(ada, 'startRecording', null, null, { quality: 'low', layout: { type: 'GRID' } });
    expect(started.ok, started.error).toBe(true);
    const t0 = Date.now();
    const at = (name: string) => void (marks[name] = (Date.now() - t0) / 1000);
    await new Promise((r) => setTimeout(r, 3000));

    bob = await openSdkPage(browser, server.url, 'bob');
    expect((await joinMeeting(bob, { meetingId: MEETING, name: 'Bob', participantId: 'bob' })).ok).toBe(true);
    expect(await waitFor(async () => (await remoteState(ada, 'bob'))?.kinds.includes('video'), 15_000)).toBe(true);
    at('bobVideo');
    await new Promise((r) => setTimeout(r, 1500));

    // Both video decoders die: they are replaced, the job goes on.
    const decoders = await videoDecoders();
    expect(decoders.length, 'video decoders').toBeGreaterThanOrEqual(2);
    for (const pid of decoders) process.kill(pid, 'SIGKILL');
    at('decodersKilled');
    await new Promise((r) => setTimeout(r, 4500));

    expect((await callMeeting(ada, 'disableWebcam')).ok).toBe(true);
    expect(await waitFor(async () => !(await remoteState(bob, 'ada'))?.kinds.includes('video'), 10_000)).toBe(true);
    at('adaCameraOff');
    await new Promise((r) => setTimeout(r, 3000));

    expect(await startScreenShare(bob)).toBe('ok');
    expect(await waitFor(async () => (await remoteState(ada, 'bob'))?.kinds.includes('share'), 15_000)).toBe(true);
    at('bobShare');
    await new Promise((r) => setTimeout(r, 3000));

    expect((await callMeeting(bob, 'leave')).ok).toBe(true);
    expect(await waitFor(async () => (await remoteState(ada, 'bob')) === null, 10_000)).toBe(true);
    at('bobLeft');
    await new Promise((r) => setTimeout(r, 3000));
    // Nobody shows video now: every video decoder (including replaced and resized ones) is gone.
    expect(await videoDecoders(), 'video decoders left').toEqual([]);
    expect((await callMeeting(ada, 'stopRecording')).ok).toBe(true);

    const rec = await waitFor(async () => {
      const list = await fetch(`${server.url}/v2/recordings?roomId=${MEETING}`, { headers: { authorization: restToken } }).then((r) => r.json());
      return list.data?.[0]?.status === 'completed' ? list.data[0] : null;
    }, 30_000);
    expect(rec).toBeTruthy();
    expect(await ffmpegChildren(), 'ffmpeg processes after the job').toEqual([]);
    // The recording's own failure is what this test is about. (A full run on 7 Dec once saw a
    // 3044 on Ada's page here: the server's libdatachannel refused her subscriber answer, "Got a
    // remote candidate without ICE transport", during the renegotiations around Bob's share and
    // leave; the recording was unaffected. Not yet traced: a media-path race, tracked separately.)
    const recordingErrors = (await events(ada)).filter((e) => e.ev === 'error' && (e.data as { code?: number } | undefined)?.code === ErrorCode.RECORDING_FAILED);
    expect(recordingErrors, 'no RECORDING_FAILED').toEqual([]);
    const res = await fetch(`${rec.file.fileUrl}?token=${restToken}`);
    file = join(process.env.RK_KEEP_DIR ?? tmp, 'layout.mp4');
    await writeFile(file, Buffer.from(await res.arrayBuffer()));
    const probe = await probeStream(file);
    expect(probe.streams.find((s) => s.codec_type === 'video')).toMatchObject({ codec_name: 'h264', width: 854, height: 480 });
    expect(Number(probe.format?.duration)).toBeGreaterThan(marks.bobLeft! + 2);
    expect(probe.streams.find((s) => s.codec_type === 'audio')?.codec_name).toBe('aac');
    // The fake microphones beep: the mix is not silence, alone or together.
    for (const [from, to] of [[0.5, marks.bobVideo!], [marks.bobVideo! + 1, marks.bobLeft!]] as const) {
      const volume = await meanVolume(file, from, to - from);
      expect(volume, `mean volume ${from.toFixed(1)}-${to.toFixed(1)} s`).toBeGreaterThan(-50);
    }
  }, 120_000);

  it("Ada alone: one tile of her camera over the whole canvas", async () => {
    const f = await frameAt(file, 2);
    expect(isPicture(f, 0.3, 0.3, 0.7, 0.7), describeRegion(f, 0.3, 0.3, 0.7, 0.7)).toBe(true);
  });

  it("Bob's camera fills the right half within a second of his stream", async () => {
    const f = await frameAt(file, marks.bobVideo! + 1);
    expect(isPicture(f, 0.6, 0.3, 0.9, 0.7), `right: ${describeRegion(f, 0.6, 0.3, 0.9, 0.7)}`).toBe(true);
    expect(isPicture(f, 0.1, 0.3, 0.4, 0.7), `left: ${describeRegion(f, 0.1, 0.3, 0.4, 0.7)}`).toBe(true);
  });

  it('both tiles show their cameras again, moving, within 4 s of their decoders being killed', async () => {
    const f = await frameAt(file, marks.decodersKilled! + 4);
    const later = await frameAt(file, marks.decodersKilled! + 4.4);
    for (const [x0, x1] of [[0.1, 0.4], [0.6, 0.9]] as const) {
      expect(isPicture(f, x0, 0.3, x1, 0.7), describeRegion(f, x0, 0.3, x1, 0.7)).toBe(true);
      expect(regionChange(f, later, x0, 0.2, x1, 0.8), `tile ${x0}-${x1} moves`).toBeGreaterThan(1);
    }
  });

  it("Ada's camera off: her tile shows the avatar square, Bob's still his camera", async () => {
    const f = await frameAt(file, marks.adaCameraOff! + 1.5);
    const square = region(f, 0.2, 0.42, 0.3, 0.58);
    expect(near(square, AVATAR, 20), `avatar: ${JSON.stringify(square)}`).toBe(true);
    expect(near(region(f, 0.02, 0.1, 0.08, 0.3), TILE), `tile: ${describeRegion(f, 0.02, 0.1, 0.08, 0.3)}`).toBe(true);
    expect(isPicture(f, 0.6, 0.3, 0.9, 0.7)).toBe(true);
  });

  it("Bob's share takes the main area; both people are in the strip on the right", async () => {
    const f = await frameAt(file, marks.bobShare! + 1.5);
    expect(isPicture(f, 0.2, 0.3, 0.6, 0.7), `share: ${describeRegion(f, 0.2, 0.3, 0.6, 0.7)}`).toBe(true);
    // The strip (right 22 %) holds two small tiles at the top: Ada (avatar) above Bob (camera).
    const strip = [region(f, 0.8, 0.05, 0.99, 0.25), region(f, 0.8, 0.35, 0.99, 0.55)];
    expect(strip.some((c) => !near(c, { r: 0x11, g: 0x13, b: 0x18 })), JSON.stringify(strip)).toBe(true);
  });

  it("Bob left: Ada's avatar alone over the whole canvas", async () => {
    const f = await frameAt(file, marks.bobLeft! + 1.5);
    // The square's upper left part (its middle holds the letter).
    const square = region(f, 0.415, 0.35, 0.44, 0.42);
    expect(near(square, AVATAR, 20), `avatar: ${JSON.stringify(square)}`).toBe(true);
  });
});

describe("layout.priority 'PIN': the pinned participant is the spotlight", () => {
  it('SPOTLIGHT shows the first to join (Carol, camera off) until Dan is pinned (by Carol, seen by Dan), then Dan, then Carol again after the unpin', async () => {
    const room = 'pin-layout-room';
    const carol = await openSdkPage(browser, server.url, 'carol');
    // Carol first, camera off (her avatar is the spotlight while nobody is pinned); no mics, so no active speaker.
    expect((await joinMeeting(carol, { meetingId: room, name: 'Carol', participantId: 'carol', webcamEnabled: false, micEnabled: false })).ok).toBe(true);
    const dan = await openSdkPage(browser, server.url, 'dan');
    expect((await joinMeeting(dan, { meetingId: room, name: 'Dan', participantId: 'dan', micEnabled: false })).ok).toBe(true);
    expect(await waitFor(async () => (await remoteState(carol, 'dan'))?.kinds.includes('video'), 15_000)).toBe(true);
    const started = await callMeeting(carol, 'startRecording', null, null, { quality: 'low', layout: { type: 'SPOTLIGHT', priority: 'PIN' } });
    expect(started.ok, started.error).toBe(true);
    const t0 = Date.now();
    const marks: Record<string, number> = {};
    await new Promise((r) => setTimeout(r, 3000));
    await carol.evaluate(() => (window as any).rk.meeting.participants.get('dan').pin('CAM'));
    marks.pinned = (Date.now() - t0) / 1000;
    // Dan learns that Carol pinned him, meeting-wide.
    const seen = await waitFor(() => dan.evaluate(() => {
      const pins = (window as any).rk.meeting.pinnedParticipants as Map<string, unknown>;
      return pins.has('dan') ? { state: pins.get('dan'), local: (window as any).rk.meeting.localParticipant.pinState } : null;
    }), 5_000);
    expect(seen).toEqual({ state: { cam: true, share: false }, local: { cam: true, share: false } });
    await new Promise((r) => setTimeout(r, 3000));
    await carol.evaluate(() => (window as any).rk.meeting.participants.get('dan').unpin());
    marks.unpinned = (Date.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 3000));
    expect((await callMeeting(carol, 'stopRecording')).ok).toBe(true);
    const rec = await waitFor(async () => {
      const list = await fetch(`${server.url}/v2/recordings?roomId=${room}`, { headers: { authorization: restToken } }).then((r) => r.json());
      return list.data?.[0]?.status === 'completed' ? list.data[0] : null;
    }, 30_000);
    expect(rec).toBeTruthy();
    const res = await fetch(`${rec.file.fileUrl}?token=${restToken}`);
    const pinFile = join(tmp, 'pin.mp4');
    await writeFile(pinFile, Buffer.from(await res.arrayBuffer()));

    const square = (f: SmallFrame) => region(f, 0.415, 0.35, 0.44, 0.42);
    const before = await frameAt(pinFile, marks.pinned! - 0.8);
    expect(near(square(before), AVATAR, 20), `before the pin: ${JSON.stringify(square(before))}`).toBe(true);
    const during = await frameAt(pinFile, marks.pinned! + 1.5);
    expect(isPicture(during, 0.3, 0.3, 0.7, 0.7), `pinned: ${describeRegion(during, 0.3, 0.3, 0.7, 0.7)}`).toBe(true);
    const after = await frameAt(pinFile, marks.unpinned! + 1.5);
    expect(near(square(after), AVATAR, 20), `after the unpin: ${JSON.stringify(square(after))}`).toBe(true);
    for (const page of [carol, dan]) await page.close();
  }, 90_000);
});
