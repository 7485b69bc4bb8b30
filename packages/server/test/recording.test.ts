// Cloud recording end to end: two Chromium participants, recording started and stopped through the
// SDK, the composite MP4 checked with ffprobe (H.264 at the asked size, AAC, ~10 s, not black),
// states seen by everyone including a late joiner, and the recorder invisible to participants.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ErrorCode } from '@roomkit/protocol';
import { launchChromium, type LaunchedBrowser } from './helpers/chromium.js';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { callMeeting, events, join as joinMeeting, openSdkPage, waitFor } from './helpers/sdkPage.js';
import { connectWs } from './helpers/wsClient.js';
import { probeStream } from './helpers/probeStream.js';
import { chromaStats } from './helpers/videoChroma.js';
import { generateToken } from '../src/auth/AccessToken.js';
import { DEV_API_KEY, DEV_API_SECRET } from '../src/config/defaults.js';

let server: TestServer;
let browser: LaunchedBrowser;
let tmp: string;
const pages: Page[] = [];
const MEETING = 'rec-room';
// The operator's backend (REST is the crawler role's; a meeting token may only create and read rooms).
const restToken = generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join', 'allow_mod'], roles: ['crawler'] });

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'roomkit-rec-test-'));
  server = await startTestServer();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await rm(tmp, { recursive: true, force: true });
});

async function pageWithStates(label: string): Promise<Page> {
  const page = await openSdkPage(browser, server.url, label);
  await page.evaluate(() => {
    const w = window as any;
    w.rk.recStates = [];
    const orig = w.rk.join;
    w.rk.join = async (o: any) => {
      const res = await orig(o);
      w.rk.meeting.on('recording-state-changed', (e: any) => w.rk.recStates.push(e.status));
      return res;
    };
  });
  return page;
}

const recStates = (page: Page): Promise<string[]> => page.evaluate(() => (window as any).rk.recStates);

describe('composite recording from the SDK', () => {
  let fileUrl = '';
  let recordingId = '';

  it('two participants are recorded for ~10 s: STARTING, STARTED, STOPPING, STOPPED on both', async () => {
    for (const name of ['Ada', 'Bob']) {
      const page = await pageWithStates(name);
      pages.push(page);
      expect((await joinMeeting(page, { meetingId: MEETING, name })).ok).toBe(true);
    }
    const started = await callMeeting(pages[0]!, 'startRecording', null, null, { quality: 'low', layout: { type: 'GRID' } });
    expect(started.ok, started.error).toBe(true);
    const live = await waitFor(async () => (await recStates(pages[1]!)).includes('RECORDING_STARTED'), 30_000);
    expect(live, JSON.stringify(await recStates(pages[1]!))).toBe(true);
    const startedAt = Date.now();

    // A late joiner learns the state from its join result.
    const ws = await connectWs(server.url);
    const token = (await fetch(`${server.url}/dev/token?roomId=${MEETING}`).then((r) => r.json())).token;
    const joined = await ws.request({ t: 'join', token, meetingId: MEETING, name: 'Late', mode: 'SIGNALLING_ONLY' });
    expect(joined.data.egress).toEqual([{ kind: 'recording', status: 'RECORDING_STARTED' }]);
    // Nobody sees the recorder.
    expect(joined.data.participants.map((p: any) => p.displayName).sort()).toEqual(['Ada', 'Bob']);
    await ws.close();

    const twice = await callMeeting(pages[1]!, 'startRecording');
    expect(twice.error).toMatch(new RegExp(`^${ErrorCode.START_RECORDING_FAILED} .*already running`));

    await new Promise((r) => setTimeout(r, 10_000 - (Date.now() - startedAt)));
    const stopped = await callMeeting(pages[1]!, 'stopRecording');
    expect(stopped.ok, stopped.error).toBe(true);
    for (const page of pages) {
      expect(await waitFor(async () => (await recStates(page)).includes('RECORDING_STOPPED'), 20_000)).toBe(true);
      expect(await recStates(page)).toEqual(['RECORDING_STARTING', 'RECORDING_STARTED', 'RECORDING_STOPPING', 'RECORDING_STOPPED']);
      const seen = (await events(page)).filter((e) => e.ev === 'participant-joined' || e.ev === 'participant-left');
      expect(seen.every((e) => !String(e.participantId).startsWith('egress-')), JSON.stringify(seen)).toBe(true);
    }
    const again = await callMeeting(pages[0]!, 'stopRecording');
    expect(again.error).toMatch(new RegExp(`^${ErrorCode.STOP_RECORDING_FAILED} `));
  }, 90_000);

  it('the recording is listed with its file, and the file is H.264 854x480 + AAC, 10 ± 2 s, not black', async () => {
    const list = await fetch(`${server.url}/v2/recordings?roomId=${MEETING}`, { headers: { authorization: restToken } }).then((r) => r.json());
    expect(list.pageInfo.total).toBe(1);
    const rec = list.data[0];
    expect(rec.status).toBe('completed');
    recordingId = rec.id;
    fileUrl = rec.file.fileUrl;
    expect(rec.file.size).toBeGreaterThan(10_000);
    const res = await fetch(`${fileUrl}?token=${restToken}`);
    expect(res.status).toBe(200);
    const file = join(tmp, 'rec.mp4');
    await writeFile(file, Buffer.from(await res.arrayBuffer()));
    const probe = await probeStream(file);
    const video = probe.streams.find((s) => s.codec_type === 'video');
    const audio = probe.streams.find((s) => s.codec_type === 'audio');
    expect(video).toMatchObject({ codec_name: 'h264', width: 854, height: 480 });
    expect(audio?.codec_name).toBe('aac');
    const duration = Number(probe.format?.duration);
    expect(duration).toBeGreaterThan(8);
    expect(duration).toBeLessThan(12);
    expect(rec.file.duration).toBeCloseTo(duration, 0);
    // Not black or grey, and moving (Chromium's fake camera is dark in luma: see videoChroma.ts).
    const picture = await chromaStats(file);
    expect(picture.chromaDistance, JSON.stringify(picture)).toBeGreaterThan(60);
    expect(picture.motion, JSON.stringify(picture)).toBeGreaterThan(1);
  }, 60_000);

  it('the meeting went on: both participants are still in it', async () => {
    for (const page of pages) expect((await events(page)).some((e) => e.ev === 'meeting-left')).toBe(false);
    expect(recordingId).not.toBe('');
  });
});
