// RTMP livestreaming and HLS end to end, with real components: two Chromium participants, the
// egress compositor, ffmpeg, an nginx-rtmp started here on 127.0.0.1, hls.js in Chromium on our
// /hls/<roomId> viewer page, and a webhook receiver. Also the bad inputs of both REST and SDK.
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
import { freePort, startNginxRtmp, type NginxRtmp } from './helpers/nginxRtmp.js';
import { probeStream } from './helpers/probeStream.js';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhookReceiver.js';
import { generateToken } from '../src/auth/AccessToken.js';
import { DEV_API_KEY, DEV_API_SECRET } from '../src/config/defaults.js';

const MEETING = 'stream-room';
// The operator's backend (REST is the crawler role's; a meeting token may only create and read rooms).
const restToken = generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join', 'allow_mod'], roles: ['crawler'] });

let server: TestServer;
let browser: LaunchedBrowser;
let nginx: NginxRtmp | undefined;
let hooks: WebhookReceiver;
let tmp: string;
const pages: Page[] = [];

async function rest(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: restToken, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: await res.json() };
}

/** Records livestream/HLS state events of a page's meeting (installed before join). */
async function pageWithStates(label: string): Promise<Page> {
  const page = await openSdkPage(browser, server.url, label);
  await page.evaluate(() => {
    const w = window as any;
    w.rk.liveStates = [];
    w.rk.hlsEvents = [];
    const orig = w.rk.join;
    w.rk.join = async (o: any) => {
      const res = await orig(o);
      w.rk.meeting.on('livestream-state-changed', (e: any) => w.rk.liveStates.push(e.status));
      w.rk.meeting.on('hls-state-changed', (e: any) => w.rk.hlsEvents.push(e));
      return res;
    };
  });
  return page;
}
const liveStates = (page: Page): Promise<string[]> => page.evaluate(() => (window as any).rk.liveStates);
const hlsEvents = (page: Page): Promise<any[]> => page.evaluate(() => (window as any).rk.hlsEvents);
const errorsOf = async (page: Page) => (await events(page)).filter((e) => e.ev === 'error').map((e) => e.data as { code: number; message: string });
const webhookTypes = (prefix: string) => hooks.accepted().map((h) => h.json.webhookType as string).filter((t) => t.startsWith(prefix));

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'roomkit-streaming-test-'));
  hooks = await startWebhookReceiver(DEV_API_SECRET);
  server = await startTestServer({ webhookUrl: hooks.url });
  browser = await launchChromium();
  nginx = await startNginxRtmp();
  // Ada publishes camera and mic; Bob only watches (keeps this 2-core machine's CPU for egress).
  for (const [name, media] of [['Ada', true], ['Bob', false]] as const) {
    const page = await pageWithStates(name);
    pages.push(page);
    const joined = await joinMeeting(page, { meetingId: MEETING, name, micEnabled: media, webcamEnabled: media });
    expect(joined.ok, joined.message).toBe(true);
  }
}, 90_000);

afterAll(async () => {
  await nginx?.stop();
  await browser?.close();
  await server?.stop();
  await hooks?.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('RTMP livestream', () => {
  it('rejects bad destinations from the SDK and REST with INVALID_LIVESTREAM_CONFIG naming the field', async () => {
    const six = Array.from({ length: 6 }, (_, i) => ({ url: 'rtmp://127.0.0.1/live', streamKey: `k${i}` }));
    const cases: [unknown[], RegExp][] = [
      [[{ url: 'http://127.0.0.1/live', streamKey: 'k' }], /outputs\[0\]\.url: must be an rtmp:\/\/ or rtmps:\/\//],
      [[{ url: 'rtmp://127.0.0.1/live', streamKey: 'k' }, { url: '', streamKey: 'k' }], /outputs\[1\]\.url: /],
      [[{ url: 'rtmp://127.0.0.1/live', streamKey: '' }], /outputs\[0\]\.streamKey: must not be empty/],
      [six, /outputs: at most 5 destinations/],
      [[], /outputs: give at least one/],
    ];
    for (const [outputs, message] of cases) {
      const sdk = await callMeeting(pages[0]!, 'startLivestream', outputs);
      expect(sdk.error).toMatch(new RegExp(`^${ErrorCode.INVALID_LIVESTREAM_CONFIG} ${message.source}`));
      const res = await rest('POST', '/v2/livestreams/start', { roomId: MEETING, outputs });
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe(ErrorCode.INVALID_LIVESTREAM_CONFIG);
      expect(res.json.error.message).toMatch(message);
    }
    // The SDK also emitted `error` for its failed calls.
    expect((await errorsOf(pages[0]!)).filter((e) => e.code === ErrorCode.INVALID_LIVESTREAM_CONFIG)).toHaveLength(cases.length);
    // Other REST mistakes.
    expect((await rest('POST', '/v2/livestreams/start', { roomId: 'no-such-room', outputs: [{ url: nginx!.url, streamKey: 'k' }] })).status).toBe(404);
    expect((await rest('POST', '/v2/livestreams/start', { roomId: MEETING, outputs: [{ url: nginx!.url, streamKey: 'k' }], config: { quality: 'ultra' } })).json.error.code).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
    const notRunning = await rest('POST', '/v2/livestreams/end', { roomId: MEETING });
    expect(notRunning.json.error.code).toBe(ErrorCode.STOP_LIVESTREAM_FAILED);
    expect((await callMeeting(pages[1]!, 'stopLivestream')).error).toMatch(new RegExp(`^${ErrorCode.STOP_LIVESTREAM_FAILED} `));
    expect(await liveStates(pages[0]!)).toEqual([]);
  });

  it('streams to nginx (H.264 + AAC read back by ffprobe) while a dead second destination is reported, not fatal', async () => {
    const deadPort = await freePort();
    const started = await callMeeting(pages[0]!, 'startLivestream', [
      { url: nginx!.url, streamKey: 'main' },
      { url: `rtmp://127.0.0.1:${deadPort}/live`, streamKey: 'dead' },
    ], { quality: 'low' });
    expect(started.ok, started.error).toBe(true);
    for (const page of pages) expect(await waitFor(async () => (await liveStates(page)).includes('LIVESTREAM_STARTED'), 30_000)).toBe(true);

    const twice = await rest('POST', '/v2/livestreams/start', { roomId: MEETING, outputs: [{ url: nginx!.url, streamKey: 'other' }] });
    expect(twice.json.error.code).toBe(ErrorCode.START_LIVESTREAM_FAILED);
    expect(twice.json.error.message).toMatch(/already running/);

    // The dead one is reported: REST status, and an error to participants naming it.
    const reported = await waitFor(async () => {
      const list = (await rest('GET', `/v2/livestreams?roomId=${MEETING}`)).json;
      return list.data[0]?.outputs[1]?.status === 'failed' ? list : null;
    }, 15_000);
    expect(reported, 'the dead destination was never reported').toBeTruthy();
    expect(reported.data[0].outputs[0]).toMatchObject({ url: nginx!.url, status: 'live' });
    expect(reported.data[0].outputs[1].error).toMatch(/refused/i);
    expect(JSON.stringify(reported)).not.toContain('dead"'); // stream keys stay secret
    // (an empty array is truthy: wait for a non-empty one)
    const errs = await waitFor(async () => {
      const found = (await errorsOf(pages[1]!)).filter((e) => e.code === ErrorCode.LIVESTREAM_FAILED);
      return found.length > 0 ? found : null;
    }, 10_000);
    expect(errs?.[0]?.message).toMatch(/outputs\[1\].*1 other destination still live/);

    // nginx has it, as H.264 + AAC, and still has it seconds later.
    const probe = await probeStream(nginx!.playUrl('main'), { timeoutMs: 15_000 });
    expect(probe.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual(['audio:aac', 'video:h264']);
    expect(probe.streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 854, height: 480 });
    await new Promise((r) => setTimeout(r, 3_000));
    await probeStream(nginx!.playUrl('main'), { timeoutMs: 15_000 });
    expect((await liveStates(pages[1]!)).at(-1)).toBe('LIVESTREAM_STARTED');

    const stopped = await rest('POST', '/v2/livestreams/end', { roomId: MEETING });
    expect(stopped.status, JSON.stringify(stopped.json)).toBe(200);
    expect(stopped.json).toMatchObject({ status: 'ended', outputs: [{ status: 'ended' }, { status: 'failed' }] });
    for (const page of pages) {
      expect(await waitFor(async () => (await liveStates(page)).includes('LIVESTREAM_STOPPED'), 20_000)).toBe(true);
      expect(await liveStates(page)).toEqual(['LIVESTREAM_STARTING', 'LIVESTREAM_STARTED', 'LIVESTREAM_STOPPING', 'LIVESTREAM_STOPPED']);
    }
    const types = await waitFor(async () => (webhookTypes('livestream-').length >= 4 ? webhookTypes('livestream-') : null), 10_000);
    expect(types).toEqual(['livestream-starting', 'livestream-started', 'livestream-stopping', 'livestream-stopped']);
  }, 120_000);

  it('a destination that drops mid-stream is reported while the other goes on; when the last drops, LIVESTREAM_FAILED reaches participants and webhooks; the meeting goes on', async () => {
    const second = await startNginxRtmp();
    try {
      const started = await callMeeting(pages[1]!, 'startLivestream', [{ url: nginx!.url, streamKey: 'solo' }, { url: second.url, streamKey: 'two' }]);
      expect(started.ok, started.error).toBe(true);
      expect(await waitFor(async () => (await liveStates(pages[0]!)).filter((s) => s === 'LIVESTREAM_STARTED').length === 2, 30_000)).toBe(true);
      await probeStream(second.playUrl('two'), { timeoutMs: 15_000 });
      const errorsBefore = (await errorsOf(pages[0]!)).length;
      await second.stop();
      const dropped = await waitFor(async () => (await errorsOf(pages[0]!)).slice(errorsBefore).find((e) => e.code === ErrorCode.LIVESTREAM_FAILED), 30_000);
      expect(dropped?.message).toMatch(/outputs\[1\] \(rtmp:\/\/127\.0\.0\.1:\d+\/live\) failed: .*1 other destination still live/);
      await probeStream(nginx!.playUrl('solo'), { timeoutMs: 15_000 });
      expect((await liveStates(pages[0]!)).at(-1)).toBe('LIVESTREAM_STARTED');
    } finally {
      await second.stop();
    }
    await nginx!.stop();
    nginx = undefined;
    const failed = await waitFor(async () => (await errorsOf(pages[0]!)).find((e) => e.code === ErrorCode.LIVESTREAM_FAILED && /the livestream failed/.test(e.message)), 30_000);
    expect(failed, JSON.stringify(await errorsOf(pages[0]!))).toBeTruthy();
    expect(await waitFor(async () => (await liveStates(pages[0]!)).at(-1) === 'LIVESTREAM_STOPPED', 15_000)).toBe(true);
    expect(await waitFor(async () => webhookTypes('livestream-').includes('livestream-failed'), 10_000)).toBe(true);
    for (const page of pages) expect((await events(page)).some((e) => e.ev === 'meeting-left')).toBe(false);
    const list = (await rest('GET', `/v2/livestreams?roomId=${MEETING}`)).json;
    expect(list.pageInfo.total).toBe(2);
    expect(list.data[0]).toMatchObject({ status: 'failed', outputs: [{ status: 'failed' }, { status: 'failed' }] });
  }, 120_000);
});

describe('HLS', () => {
  let playback = '';
  let live = '';

  it('rejects stopping what is not running (REST and SDK)', async () => {
    expect((await rest('POST', '/v2/hls/end', { roomId: MEETING })).json.error.code).toBe(ErrorCode.STOP_HLS_FAILED);
    expect((await callMeeting(pages[0]!, 'stopHls')).error).toMatch(new RegExp(`^${ErrorCode.STOP_HLS_FAILED} `));
    expect((await rest('POST', '/v2/hls/start', { roomId: MEETING, config: { record: true } })).json.error.message).toMatch(/^config\.record/);
    const badConfig = await callMeeting(pages[0]!, 'startHls', { quality: 'ultra' });
    expect(badConfig.error).toMatch(new RegExp(`^${ErrorCode.ERROR_INVALID_PARAMETER} .*config\\.quality`));
    expect(await hlsEvents(pages[0]!)).toEqual([]);
  });

  it('starts from REST with its URLs; everyone (and a late joiner) sees STARTED then PLAYABLE with them', async () => {
    const res = await rest('POST', '/v2/hls/start', { roomId: MEETING, config: { quality: 'low', recording: { enabled: true } } });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toMatchObject({ id: expect.any(String), sessionId: expect.any(String), playbackHlsUrl: `${server.url}/hls/${MEETING}/${res.json.id}/playback.m3u8`, livestreamUrl: `${server.url}/hls/${MEETING}/${res.json.id}/livestream.m3u8` });
    playback = res.json.playbackHlsUrl;
    live = res.json.livestreamUrl;
    expect((await callMeeting(pages[0]!, 'startHls')).error).toMatch(new RegExp(`^${ErrorCode.START_HLS_FAILED} .*already running`));
    for (const page of pages) {
      const playable = await waitFor(async () => (await hlsEvents(page)).find((e) => e.status === 'HLS_PLAYABLE'), 45_000);
      expect(playable, JSON.stringify(await hlsEvents(page))).toMatchObject({ playbackHlsUrl: playback, livestreamUrl: live });
      expect((await hlsEvents(page)).map((e) => e.status)).toEqual(['HLS_STARTING', 'HLS_STARTED', 'HLS_PLAYABLE']);
      expect((await hlsEvents(page))[1]).toMatchObject({ playbackHlsUrl: playback, livestreamUrl: live });
      expect(await page.evaluate(() => (window as any).rk.meeting.hlsUrls)).toEqual({ playbackHlsUrl: playback, livestreamUrl: live });
    }
    const ws = await connectWs(server.url);
    const token = (await fetch(`${server.url}/dev/token?roomId=${MEETING}`).then((r) => r.json())).token;
    const joined = await ws.request({ t: 'join', token, meetingId: MEETING, name: 'Late', mode: 'SIGNALLING_ONLY' });
    expect(joined.data.egress).toContainEqual({ kind: 'hls', status: 'HLS_PLAYABLE', playbackHlsUrl: new URL(playback).pathname, livestreamUrl: new URL(live).pathname });
    await ws.close();
  }, 90_000);

  it('serves playlists and segments with the right types and no caching of playlists; no path traversal', async () => {
    // The URLs handed out are master playlists, each naming one media playlist.
    const mediaOf = async (master: string) => new URL((await (await fetch(master)).text()).trim().split('\n').at(-1)!, master).href;
    expect(await (await fetch(playback)).text()).toMatch(/#EXT-X-STREAM-INF:BANDWIDTH=\d+/);
    const dvr = await fetch(await mediaOf(playback));
    expect(dvr.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(dvr.headers.get('cache-control')).toMatch(/no-cache/);
    const dvrText = await dvr.text();
    expect(dvrText).toMatch(/#EXT-X-PLAYLIST-TYPE:EVENT/);
    expect(dvrText).toMatch(/#EXT-X-TARGETDURATION:2\b/);
    expect(dvrText).toMatch(/#EXT-X-PROGRAM-DATE-TIME:/);
    const liveMedia = await mediaOf(live);
    const liveText = await (await fetch(liveMedia)).text();
    expect(liveText).not.toMatch(/PLAYLIST-TYPE/);
    const segment = liveText.split('\n').find((l) => l.endsWith('.ts'))!;
    const seg = await fetch(new URL(segment, liveMedia));
    expect(seg.status).toBe(200);
    expect(seg.headers.get('content-type')).toBe('video/mp2t');
    const durations = [...dvrText.matchAll(/#EXTINF:([\d.]+)/g)].map((m) => Number(m[1]));
    console.log(`[hls] segment durations: ${durations.join(' ')}`);
    expect(durations.slice(0, -1).every((d) => d > 1.5 && d < 2.5), String(durations)).toBe(true);
    const base = `${server.url}/hls/${MEETING}`;
    for (const path of [`/../../roomkit.db`, `/x/%2e%2e%2f%2e%2e%2froomkit.db`, `/${new URL(live).pathname.split('/')[3]}/..%2f..%2f..%2froomkit.db`, `/abcdef12/index.m3u8`]) {
      expect((await fetch(`${base}${path}`)).status, path).toBe(404);
    }
  });

  it('plays in Chromium through hls.js on /hls/<roomId>: currentTime advances ≥ 5 s; live latency measured', async () => {
    const viewer = await browser.newPage(`${server.url}/hls/${MEETING}`, 'hls-viewer');
    try {
      const began = await waitFor(() => viewer.evaluate(() => document.querySelector('video')!.currentTime > 0.5), 30_000);
      expect(began, JSON.stringify(await viewer.evaluate(() => (window as any).hlsViewer.errors))).toBe(true);
      const t0 = await viewer.evaluate(() => document.querySelector('video')!.currentTime);
      const wall0 = Date.now();
      const advanced = await waitFor(async () => (await viewer.evaluate(() => document.querySelector('video')!.currentTime)) - t0 >= 5, 20_000);
      expect(advanced).toBe(true);
      const t1 = await viewer.evaluate(() => document.querySelector('video')!.currentTime);
      const stats = await viewer.evaluate(() => {
        const v = (window as any).hlsViewer;
        return { latency: v.latency(), edge: v.edgeLatency(), samples: v.latencySamples as number[], src: v.src as string };
      });
      expect(stats.src).toBe(new URL(live).pathname);
      expect(stats.latency).toBeGreaterThan(0);
      const samples = stats.samples.slice(-5);
      console.log(
        `[hls] played ${(t1 - t0).toFixed(1)} s of media in ${((Date.now() - wall0) / 1000).toFixed(1)} s; live latency (wall clock − EXT-X-PROGRAM-DATE-TIME of the frame on screen): ` +
          `now ${stats.latency.toFixed(2)} s, last ${samples.length} samples ${samples.map((s) => s.toFixed(2)).join('/')} s; behind the playlist's live edge (hls.js latency): ${stats.edge?.toFixed(2)} s`,
      );
    } finally {
      await viewer.context().close();
    }
  }, 90_000);

  it('stops from the SDK: STOPPING, STOPPED for everyone; webhooks in order; the recording is an MP4', async () => {
    const stopped = await callMeeting(pages[1]!, 'stopHls');
    expect(stopped.ok, stopped.error).toBe(true);
    for (const page of pages) {
      expect(await waitFor(async () => (await hlsEvents(page)).at(-1)?.status === 'HLS_STOPPED', 30_000)).toBe(true);
      expect((await hlsEvents(page)).map((e) => e.status)).toEqual(['HLS_STARTING', 'HLS_STARTED', 'HLS_PLAYABLE', 'HLS_STOPPING', 'HLS_STOPPED']);
    }
    const types = await waitFor(async () => (webhookTypes('hls-').length >= 5 ? webhookTypes('hls-') : null), 10_000);
    expect(types).toEqual(['hls-starting', 'hls-started', 'hls-playable', 'hls-stopping', 'hls-stopped']);
    const playableHook = hooks.accepted().find((h) => h.json.webhookType === 'hls-playable')!;
    expect(playableHook.json.data).toMatchObject({ meetingId: MEETING, playbackHlsUrl: playback, livestreamUrl: live });
    const list = (await rest('GET', `/v2/hls?roomId=${MEETING}`)).json;
    expect(list.data[0]).toMatchObject({ status: 'ended', playable: true, end: expect.any(String) });
    expect(list.data[0].recordingUrl).toMatch(/recording\.mp4$/);
    // The DVR playlist is now a complete VOD; the recording is a playable MP4.
    expect(await (await fetch(new URL('index.m3u8', playback))).text()).toMatch(/#EXT-X-ENDLIST/);
    const file = join(tmp, 'hls.mp4');
    await writeFile(file, Buffer.from(await (await fetch(list.data[0].recordingUrl)).arrayBuffer()));
    const probe = await probeStream(file);
    expect(probe.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual(['audio:aac', 'video:h264']);
    expect(Number(probe.format?.duration)).toBeGreaterThan(6);
    for (const page of pages) expect((await events(page)).some((e) => e.ev === 'meeting-left')).toBe(false);
  }, 60_000);
});
