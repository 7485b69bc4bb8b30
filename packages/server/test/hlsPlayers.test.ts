// HLS as players expect it, end to end with real components: a Node publisher (synthetic camera
// and mic), the in-process compositor and ffmpeg, ffprobe, and hls.js in Chromium configured
// exactly as VideoSDK's react-hls quickstart configures it. Also the quickstart's `startHls` config
// (`gridSize: "20"`) over REST and signaling, and `POST /v2/hls/capture`.
//
// Why that player never loaded a segment before master playlists: hls.js decides how far ahead to
// buffer in `getMaxBufferLength(levelBitrate)` = min(max(8 × maxBufferSize / bitrate,
// maxBufferLength), maxMaxBufferLength). Given a bare media playlist, its one level has no bitrate,
// so the target is `maxBufferLength`, which the quickstart sets to 0: the buffer (0 s) is always
// "full" and the stream controller stays idle. A master playlist's BANDWIDTH makes the first term
// ~100 s, capped by maxMaxBufferLength (1 s): hls.js keeps ~1 s ahead and plays. The control case
// below shows the bare media playlist still loading nothing with the same settings.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ErrorCode } from '@roomkit/protocol';
import { loadSyntheticMedia, type Meeting } from '@roomkit/node-client';
import { launchChromium, type LaunchedBrowser } from './helpers/chromium.js';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { NodeParticipants, sleep, until } from './helpers/nodeParticipants.js';
import { probeStream } from './helpers/probeStream.js';
import { QUICKSTART_HLS, QUICKSTART_PLAYER } from './fixtures/videosdkQuickstart.js';
import { generateToken } from '../src/auth/AccessToken.js';
import { DEV_API_KEY, DEV_API_SECRET } from '../src/config/defaults.js';

const run = promisify(execFile);
const ROOM = 'hls-players';
// The operator's backend (REST is the crawler role's; a meeting token may only create and read rooms).
const restToken = generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join', 'allow_mod'], roles: ['crawler'] });

let server: TestServer;
let browser: LaunchedBrowser;
let host: Meeting;
let tmp: string;
const participants = new NodeParticipants(() => server.url);
const pages: Page[] = [];

async function rest(path: string, body: unknown): Promise<{ status: number; json: any; res: Response }> {
  const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: restToken, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = res.headers.get('content-type')?.includes('json') ? await res.json() : null;
  return { status: res.status, json, res };
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'roomkit-hls-players-'));
  server = await startTestServer();
  browser = await launchChromium();
  host = await participants.join(ROOM, 'Ada', true, await loadSyntheticMedia());
  const sending = () => [...host.localParticipant.streams.values()].every((s) => (s.sendStats?.packetsSent ?? 0) > 0);
  expect(await until(() => host.localParticipant.streams.size === 2 && sending(), 15_000)).toBe(true);
}, 120_000);

afterAll(async () => {
  for (const page of pages) await page.context().close().catch(() => {});
  await host?.stopHls().catch(() => {});
  await participants.leaveAll();
  await browser?.close();
  await server?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** Attributes of the master playlist's one variant. */
function streamInf(master: string): Record<string, string> {
  const line = master.split('\n').find((l) => l.startsWith('#EXT-X-STREAM-INF:'));
  if (!line) throw new Error(`no EXT-X-STREAM-INF in:\n${master}`);
  return Object.fromEntries([...line.slice('#EXT-X-STREAM-INF:'.length).matchAll(/([A-Z-]+)=("[^"]*"|[^,]*)/g)].map((m) => [m[1]!, m[2]!.replace(/"/g, '')]));
}

/** Mean per-pixel distance of an image's chroma from grey (as the players' check below). */
async function imageChroma(file: string): Promise<number> {
  // Not frameAt(): its input `-ss` gives no frame from a still image with this ffmpeg.
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', file, '-frames:v', '1', '-vf', 'scale=64:36:flags=area', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'];
  const rgb = (await run('ffmpeg', args, { encoding: 'buffer', timeout: 15_000 })).stdout;
  expect(rgb.length).toBe(64 * 36 * 3);
  let sum = 0;
  for (let i = 0; i < rgb.length; i += 3) {
    const [r, g, b] = [rgb[i]!, rgb[i + 1]!, rgb[i + 2]!];
    sum += Math.hypot(-0.169 * r - 0.331 * g + 0.5 * b, 0.5 * r - 0.419 * g - 0.081 * b);
  }
  return sum / (rgb.length / 3);
}

/** A page on the server's origin playing `src` with hls.js and `config`; `window.player` for the test. */
async function openPlayer(src: string, config: object, label: string): Promise<Page> {
  const page = await browser.newPage(`${server.url}/hls/${ROOM}/state`, label);
  pages.push(page);
  await page.evaluate(
    async ({ src, config }) => {
      await new Promise((resolve, reject) => {
        const s = document.createElement('script');
        s.src = '/vendor/hls.min.js';
        s.onload = resolve;
        s.onerror = reject;
        document.head.appendChild(s);
      });
      const Hls = (window as any).Hls;
      const video = document.createElement('video');
      video.muted = true;
      video.autoplay = true;
      document.body.appendChild(video);
      const st = { fragsLoaded: 0, errors: [] as string[] };
      const hls = new Hls(config);
      hls.on(Hls.Events.FRAG_LOADED, () => st.fragsLoaded++);
      hls.on(Hls.Events.ERROR, (_e: unknown, d: any) => st.errors.push(`${d.type}: ${d.details}${d.fatal ? ' (fatal)' : ''}`));
      hls.on(Hls.Events.MANIFEST_PARSED, () => video.play().catch(() => {}));
      hls.loadSource(src);
      hls.attachMedia(video);
      /** Mean distance of the picture's chroma from grey (0 for black/grey/an avatar on the dark theme). */
      const chroma = () => {
        const c = document.createElement('canvas');
        c.width = 64;
        c.height = 36;
        const ctx = c.getContext('2d')!;
        ctx.drawImage(video, 0, 0, 64, 36);
        const px = ctx.getImageData(0, 0, 64, 36).data;
        let sum = 0;
        for (let i = 0; i < px.length; i += 4) {
          const [r, g, b] = [px[i]!, px[i + 1]!, px[i + 2]!];
          sum += Math.hypot(-0.169 * r - 0.331 * g + 0.5 * b, 0.5 * r - 0.419 * g - 0.081 * b);
        }
        return sum / (px.length / 4);
      };
      (window as any).player = {
        st,
        chroma,
        sample: () => ({ time: video.currentTime, frames: video.getVideoPlaybackQuality().totalVideoFrames, width: video.videoWidth, height: video.videoHeight, frags: st.fragsLoaded, errors: st.errors }),
      };
    },
    { src, config },
  );
  return page;
}
const sample = (page: Page) => page.evaluate(() => (window as any).player.sample()) as Promise<{ time: number; frames: number; width: number; height: number; frags: number; errors: string[] }>;

describe('HLS for players', () => {
  let playback = '';
  let live = '';

  it('takes the react-hls quickstart startHls config (gridSize "20") over REST and signaling; a non-numeric gridSize is a 400 / error naming the field', async () => {
    // REST, each kind: the config passes validation (the room has no session here, so starting fails after it).
    const idle = (await rest('/v2/rooms', { customRoomId: 'hls-idle' })).json.roomId as string;
    for (const [path, extra] of [['/v2/hls/start', {}], ['/v2/recordings/start', {}], ['/v2/livestreams/start', { outputs: [{ url: 'rtmp://127.0.0.1/live', streamKey: 'k' }] }]] as const) {
      const ok = await rest(path, { roomId: idle, config: QUICKSTART_HLS, ...extra });
      expect(ok.json.error?.code, `${path}: ${JSON.stringify(ok.json)}`).not.toBe(ErrorCode.ERROR_INVALID_PARAMETER);
      for (const bad of ['twenty', '26', '']) {
        const res = await rest(path, { roomId: idle, config: { ...QUICKSTART_HLS, layout: { ...QUICKSTART_HLS.layout, gridSize: bad } }, ...extra });
        expect(res.status, `${path} ${bad}`).toBe(400);
        expect(res.json.error).toMatchObject({ code: ErrorCode.ERROR_INVALID_PARAMETER, message: expect.stringMatching(/^config\.layout\.gridSize: /) });
      }
    }
    // Signaling: refused naming the field, then the quickstart's call (but `quality: 'low'`: 1080p
    // would take this shared 2-core machine's CPU; its value is accepted above and in protocol tests).
    await expect(host.startHls({ ...QUICKSTART_HLS, layout: { ...QUICKSTART_HLS.layout, gridSize: 'twenty' } })).rejects.toThrow(/config\.layout\.gridSize/);
    const states: string[] = [];
    host.on('hls-state-changed', (e: { status: string }) => states.push(e.status));
    await host.startHls({ ...QUICKSTART_HLS, quality: 'low' });
    expect(await until(() => states.includes('HLS_PLAYABLE'), 45_000), states.join()).toBe(true);
    playback = `${server.url}${host.hlsUrls.playbackHlsUrl}`;
    live = `${server.url}${host.hlsUrls.livestreamUrl}`;
    expect(playback).toMatch(/\/playback\.m3u8$/);
    expect(live).toMatch(/\/livestream\.m3u8$/);
  }, 90_000);

  it('hands out master playlists whose BANDWIDTH, CODECS, RESOLUTION and FRAME-RATE match the stream ffprobe reads', async () => {
    const list = await fetch(`${server.url}/v2/hls?roomId=${ROOM}`, { headers: { authorization: restToken } }).then((r) => r.json());
    expect(list.data[0]).toMatchObject({ playbackHlsUrl: playback, livestreamUrl: live });
    for (const [master, media] of [[playback, 'index.m3u8'], [live, 'live.m3u8']] as const) {
      const text = await (await fetch(master)).text();
      console.log(`[hls] ${master.split('/').at(-1)}:\n${text.trim()}`);
      expect(text.trim().split('\n').at(-1)).toBe(media);
      const inf = streamInf(text);
      expect(inf).toMatchObject({ RESOLUTION: '854x480', 'FRAME-RATE': '30.000' });
      const probe = await probeStream(master, { timeoutMs: 20_000 });
      const video = probe.streams.find((s) => s.codec_type === 'video')!;
      expect(video).toMatchObject({ codec_name: 'h264', width: 854, height: 480 });
      expect(probe.streams.find((s) => s.codec_type === 'audio')).toMatchObject({ codec_name: 'aac' });
      const [avc, aac] = inf.CODECS!.split(',');
      expect(aac).toBe('mp4a.40.2');
      // libx264 at yuv420p without a profile option: High (0x64, no constraint flags); the level is ffprobe's.
      expect(avc).toMatch(/^avc1\.6400[0-9A-F]{2}$/);
      expect(parseInt(avc!.slice(-2), 16)).toBe((video as any).level);
      expect(Number(inf['AVERAGE-BANDWIDTH'])).toBeGreaterThan(50_000);
      expect(Number(inf.BANDWIDTH)).toBeGreaterThanOrEqual(Number(inf['AVERAGE-BANDWIDTH']));
    }
  }, 60_000);

  it.each([
    ['livestreamUrl (live edge)', () => live],
    ['playbackHlsUrl (DVR)', () => playback],
  ])('plays %s in hls.js with the quickstart player settings: frames advance and show the publisher', async (label, url) => {
    const page = await openPlayer(url(), QUICKSTART_PLAYER, `hls.js ${label}`);
    const deadline = Date.now() + 30_000;
    let started = await sample(page);
    while (started.time < 0.5 && Date.now() < deadline) {
      await sleep(250);
      started = await sample(page);
    }
    expect(started.time, JSON.stringify(started)).toBeGreaterThanOrEqual(0.5);
    await sleep(6_000);
    const later = await sample(page);
    console.log(`[hls] ${label}: ${JSON.stringify(started)} → 6 s later ${JSON.stringify(later)}`);
    expect(later.time - started.time, JSON.stringify(later)).toBeGreaterThan(3);
    expect(later.frames - started.frames).toBeGreaterThan(60);
    expect(later).toMatchObject({ width: 854, height: 480 });
    expect(later.errors.filter((e) => e.includes('fatal'))).toEqual([]);
    const chroma = await page.evaluate(() => (window as any).player.chroma());
    console.log(`[hls] ${label}: chroma distance ${chroma.toFixed(1)}`);
    expect(chroma).toBeGreaterThan(15); // testsrc2's colour bars, not the dark avatar tile
    await page.context().close();
  }, 60_000);

  it('control: the bare media playlist with the same settings loads no segment (why the master playlist is needed)', async () => {
    const page = await openPlayer(new URL('live.m3u8', live).href, QUICKSTART_PLAYER, 'hls.js bare media playlist');
    await sleep(6_000);
    const s = await sample(page);
    console.log(`[hls] bare media playlist: ${JSON.stringify(s)}`);
    expect(s.frags).toBe(0);
    expect(s.frames).toBe(0);
    await page.context().close();
  }, 30_000);

  it('POST /v2/hls/capture: a JPEG of the live picture at the requested size, as VideoSDK\'s JSON or as bytes; bad input names the field', async () => {
    const shot = await rest('/v2/hls/capture', { roomId: ROOM, width: 320, height: 180 });
    expect(shot.status, JSON.stringify(shot.json)).toBe(200);
    expect(shot.json).toMatchObject({
      roomId: ROOM,
      fileName: expect.stringMatching(/^capture_\d+\.jpg$/),
      filePath: expect.stringMatching(new RegExp(`^${server.url}/hls/${ROOM}/[0-9a-f]+/capture_\\d+\\.jpg$`)),
      meta: { width: 320, height: 180, format: 'jpg', time: expect.any(Number) },
    });
    const image = await fetch(shot.json.filePath);
    expect(image.headers.get('content-type')).toBe('image/jpeg');
    const file = join(tmp, 'capture.jpg');
    const bytes = Buffer.from(await image.arrayBuffer());
    expect(bytes.length).toBe(shot.json.fileSize);
    await writeFile(file, bytes);
    const probe = await probeStream(file);
    expect(probe.streams[0]).toMatchObject({ codec_name: 'mjpeg', width: 320, height: 180 });
    const chroma = await imageChroma(file);
    console.log(`[hls] capture 320x180: ${bytes.length} bytes, chroma distance ${chroma.toFixed(1)}`);
    expect(chroma).toBeGreaterThan(15); // the publisher's colour bars, not black or the avatar

    // Bytes straight away with Accept: image/jpeg; one side given keeps the stream's aspect; time picks the frame.
    const raw = await fetch(`${server.url}/v2/hls/capture`, {
      method: 'POST',
      headers: { authorization: restToken, 'content-type': 'application/json', accept: 'image/jpeg' },
      body: JSON.stringify({ roomId: ROOM, width: '427', time: 1 }),
    });
    expect(raw.headers.get('content-type')).toBe('image/jpeg');
    await writeFile(file, Buffer.from(await raw.arrayBuffer()));
    expect((await probeStream(file)).streams[0]).toMatchObject({ width: 427, height: 240 });
    const early = await rest('/v2/hls/capture', { roomId: ROOM, time: 1 });
    expect(early.json.meta).toMatchObject({ width: 854, height: 480, time: 1 });

    // Bad input: 400 naming the field; no stream: 409; unknown room: 404.
    for (const [body, field] of [
      [{ roomId: ROOM, width: 'wide' }, 'width'],
      [{ roomId: ROOM, width: 5000 }, 'width'],
      [{ roomId: ROOM, height: 8 }, 'height'],
      [{ roomId: ROOM, time: -1 }, 'time'],
      [{ roomId: ROOM, time: 100_000 }, 'time'],
      [{ roomId: ROOM, format: 'png' }, 'format'],
      [{ roomId: ROOM, colour: 'red' }, 'colour'],
      [{ width: 320 }, 'roomId'],
    ] as const) {
      const res = await rest('/v2/hls/capture', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.error.code).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
      expect(res.json.error.message, JSON.stringify(body)).toMatch(new RegExp(`^${field}: `));
    }
    const none = await rest('/v2/hls/capture', { roomId: 'hls-idle' });
    expect(none.status).toBe(409);
    expect(none.json.error).toMatchObject({ code: ErrorCode.HLS_FAILED, message: expect.stringMatching(/^roomId: no playable HLS stream/) });
    expect((await rest('/v2/hls/capture', { roomId: 'no-such-room' })).status).toBe(404);
    expect((await fetch(`${server.url}/v2/hls/capture`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ roomId: ROOM }) })).status).toBe(401);

    // One capture per stream at a time: of three at once, the others are told to retry (429).
    const burst = await Promise.all([1, 2, 3].map(() => rest('/v2/hls/capture', { roomId: ROOM })));
    const statuses = burst.map((r) => r.status).sort();
    expect(statuses[0]).toBe(200);
    expect(statuses.at(-1)).toBe(429);
    expect(burst.find((r) => r.status === 429)!.json.error.code).toBe(ErrorCode.RATE_LIMITED);
  }, 60_000);
});
