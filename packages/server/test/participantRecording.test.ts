// Participant and track recordings end to end, through REST: two Chromium participants with fake
// camera and mic; the SFU taps their streams as plain RTP into ffmpeg (no compositor). Checked with
// ffprobe (H.264 + AAC, duration, not black and moving; audio-only track → AAC only), webhooks with
// participantId, bad inputs and their codes, a participant leaving ends its recording, delete.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ErrorCode } from '@roomkit/protocol';
import { launchChromium, type LaunchedBrowser } from './helpers/chromium.js';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { callMeeting, join as joinMeeting, localState, openSdkPage, remoteState, startScreenShare, waitFor } from './helpers/sdkPage.js';
import { probeStream } from './helpers/probeStream.js';
import { chromaStats } from './helpers/videoChroma.js';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhookReceiver.js';
import { generateToken } from '../src/auth/AccessToken.js';
import { DEV_API_KEY, DEV_API_SECRET } from '../src/config/defaults.js';

const MEETING = 'prec-room';
// The operator's backend (REST is the crawler role's; a meeting token may only create and read rooms).
const restToken = generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join', 'allow_mod'], roles: ['crawler'] });
let server: TestServer;
let browser: LaunchedBrowser;
let hooks: WebhookReceiver;
let tmp: string;
const pages: Page[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'roomkit-prec-test-'));
  hooks = await startWebhookReceiver(DEV_API_SECRET);
  server = await startTestServer({ webhookUrl: hooks.url });
  browser = await launchChromium();
  for (const name of ['ada', 'bob']) {
    const page = await openSdkPage(browser, server.url, name);
    pages.push(page);
    expect((await joinMeeting(page, { meetingId: MEETING, name, participantId: name })).ok).toBe(true);
  }
  // Both publish mic and camera (seen from the other side).
  for (const [page, other] of [[pages[0]!, 'bob'], [pages[1]!, 'ada']] as const) {
    const kinds = await waitFor(async () => {
      const k = (await remoteState(page, other))?.kinds ?? [];
      return k.includes('audio') && k.includes('video') ? k : null;
    }, 30_000);
    expect(kinds, `${other} publishes`).toBeTruthy();
  }
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await hooks?.close();
  await rm(tmp, { recursive: true, force: true });
});

async function rest(method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: restToken, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

const hooksOf = (type: string, participantId: string) =>
  hooks.accepted().filter((h) => h.json?.webhookType === type && h.json?.data?.participantId === participantId);

async function download(fileUrl: string, name: string): Promise<{ file: string; contentType: string | null }> {
  const res = await fetch(`${fileUrl}?token=${restToken}`);
  expect(res.status).toBe(200);
  const file = join(tmp, name);
  await writeFile(file, Buffer.from(await res.arrayBuffer()));
  return { file, contentType: res.headers.get('content-type') };
}

describe('participant and track recordings (REST, plain RTP from the SFU into ffmpeg)', () => {
  it('bad inputs: missing or wrong fields name the field; unknown participant 404; stop without start 4012', async () => {
    const missing = await rest('POST', '/v2/recordings/participant/start', { roomId: MEETING });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: ErrorCode.ERROR_INVALID_PARAMETER });
    expect(missing.body.error.message).toMatch(/^participantId/);
    const badKind = await rest('POST', '/v2/recordings/participant/track/start', { roomId: MEETING, participantId: 'ada', kind: 'share' });
    expect(badKind.status).toBe(400);
    expect(badKind.body.error.message).toMatch(/^kind/);
    const unknown = await rest('POST', '/v2/recordings/participant/start', { roomId: MEETING, participantId: 'nobody' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe(ErrorCode.INVALID_PARTICIPANT_ID);
    expect((await rest('POST', '/v2/recordings/participant/start', { roomId: 'no-such-room', participantId: 'ada' })).status).toBe(404);
    const notShared = await rest('POST', '/v2/recordings/participant/track/start', { roomId: MEETING, participantId: 'ada', kind: 'screen_video' });
    expect(notShared.body.error.code).toBe(ErrorCode.START_RECORDING_FAILED);
    expect(notShared.body.error.message).toMatch(/does not publish screen_video/);
    const stop = await rest('POST', '/v2/recordings/participant/stop', { roomId: MEETING, participantId: 'ada' });
    expect(stop.body.error.code).toBe(ErrorCode.STOP_RECORDING_FAILED);
    const stopTrack = await rest('POST', '/v2/recordings/participant/track/stop', { roomId: MEETING, participantId: 'ada', kind: 'audio' });
    expect(stopTrack.body.error.code).toBe(ErrorCode.STOP_RECORDING_FAILED);
  });

  let participantRec = '';
  let trackRec = '';

  it("records ada's mic + camera and bob's mic alone for ~7 s; starting twice is 4011", async () => {
    const requestedAt = Date.now();
    const started = await rest('POST', '/v2/recordings/participant/start', { roomId: MEETING, participantId: 'ada', config: { quality: 'low' } });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    participantRec = started.body.id;
    const track = await rest('POST', '/v2/recordings/participant/track/start', { roomId: MEETING, participantId: 'bob', kind: 'audio' });
    expect(track.status, JSON.stringify(track.body)).toBe(200);
    trackRec = track.body.id;
    const twice = await rest('POST', '/v2/recordings/participant/start', { roomId: MEETING, participantId: 'ada' });
    expect(twice.body.error.code).toBe(ErrorCode.START_RECORDING_FAILED);
    expect(twice.body.error.message).toMatch(/already running/);
    // They count against egress.maxConcurrentJobs (2 by default) like composite jobs.
    const third = await rest('POST', '/v2/recordings/participant/track/start', { roomId: MEETING, participantId: 'ada', kind: 'video' });
    expect(third.body.error.code).toBe(ErrorCode.START_RECORDING_FAILED);
    expect(third.body.error.message).toMatch(/maxConcurrentJobs = 2/);

    expect(await waitFor(async () => hooksOf('recording-started', 'ada').length > 0, 20_000)).toBe(true);
    const startedSeenAt = Date.now();
    await new Promise((r) => setTimeout(r, 7000));
    expect(hooksOf('recording-started', 'bob').length).toBe(1);
    const stopAt = Date.now();
    const stopped = await rest('POST', '/v2/recordings/participant/stop', { roomId: MEETING, participantId: 'ada' });
    expect(stopped.status, JSON.stringify(stopped.body)).toBe(200);
    expect(stopped.body).toMatchObject({ id: participantRec, status: 'completed', participantId: 'ada', kind: 'audio_video' });
    const trackStopped = await rest('POST', '/v2/recordings/participant/track/stop', { roomId: MEETING, participantId: 'bob', kind: 'audio' });
    expect(trackStopped.body).toMatchObject({ id: trackRec, status: 'completed', participantId: 'bob', kind: 'audio' });
    expect(trackStopped.body.file.type).toBe('audio/mp4');

    const { file, contentType } = await download(stopped.body.file.fileUrl, 'ada.mp4');
    expect(contentType).toBe('video/mp4');
    const probe = await probeStream(file);
    expect(probe.streams.find((s) => s.codec_type === 'video')).toMatchObject({ codec_name: 'h264', width: 854, height: 480 });
    expect(probe.streams.find((s) => s.codec_type === 'audio')?.codec_name).toBe('aac');
    // The file covers the time from (shortly after) the start request to the stop request: it began
    // before the recording-started webhook reached us, and after the request.
    const duration = Number(probe.format?.duration);
    const [atLeast, atMost] = [(stopAt - startedSeenAt) / 1000 - 2, (stopAt - requestedAt) / 1000 + 1];
    expect(duration, `file ${duration} s, expected ${atLeast}..${atMost}`).toBeGreaterThan(atLeast);
    expect(duration).toBeLessThan(atMost);
    // Audio and video cover the same time (the taps' sender reports put them on one clock).
    const [v, a] = ['video', 'audio'].map((t) => Number((probe.streams.find((s) => s.codec_type === t) as any)?.duration));
    console.log(`participant recording: file ${duration.toFixed(2)} s (video ${v} s, audio ${a} s) for ${((stopAt - requestedAt) / 1000).toFixed(2)} s from start to stop request`);
    expect(Math.abs(v! - a!), `video ${v} s, audio ${a} s`).toBeLessThan(1);
    // Not black or grey, and moving (Chromium's fake camera is dark in luma: see videoChroma.ts).
    const picture = await chromaStats(file);
    expect(picture.frames).toBeGreaterThan(10);
    expect(picture.chromaDistance, JSON.stringify(picture)).toBeGreaterThan(60);
    expect(picture.motion, JSON.stringify(picture)).toBeGreaterThan(1);

    const audio = await download(trackStopped.body.file.fileUrl, 'bob.m4a');
    expect(audio.contentType).toBe('audio/mp4');
    const audioProbe = await probeStream(audio.file);
    expect(audioProbe.streams.map((s) => `${s.codec_type}:${s.codec_name}`)).toEqual(['audio:aac']);
    expect(Number(audioProbe.format?.duration)).toBeGreaterThan(5);

    const stoppedHook = await waitFor(async () => hooksOf('recording-stopped', 'ada')[0], 10_000);
    expect(stoppedHook?.json.data).toMatchObject({ meetingId: MEETING, id: participantRec, type: 'participant', kind: 'audio_video', fileUrl: stopped.body.file.fileUrl });
    expect(stoppedHook?.signatureValid).toBe(true);
  }, 90_000);

  it('lists and fetches them by kind of recording, with the composite REST shape', async () => {
    const list = await rest('GET', `/v2/recordings/participant?roomId=${MEETING}&participantId=ada`);
    expect(list.body.pageInfo.total).toBe(1);
    expect(list.body.data[0]).toMatchObject({ id: participantRec, roomId: MEETING, participantId: 'ada', status: 'completed' });
    expect(list.body.data[0].file).toMatchObject({ size: expect.any(Number), duration: expect.any(Number) });
    const tracks = await rest('GET', `/v2/recordings/participant/track?roomId=${MEETING}&participantId=bob`);
    expect(tracks.body.data.map((r: any) => [r.id, r.kind])).toEqual([[trackRec, 'audio']]);
    expect((await rest('GET', `/v2/recordings/participant/track/${trackRec}`)).body.id).toBe(trackRec);
    expect((await rest('GET', `/v2/recordings/participant/${trackRec}`)).status).toBe(404);
    // Composite recordings are listed apart.
    expect((await rest('GET', `/v2/recordings?roomId=${MEETING}`)).body.pageInfo.total).toBe(0);
  });

  it('camera off and on during a participant recording: the file goes on and the video comes back', async () => {
    const requestedAt = Date.now();
    const started = await rest('POST', '/v2/recordings/participant/start', { roomId: MEETING, participantId: 'ada', config: { quality: 'low' } });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(await waitFor(async () => hooksOf('recording-started', 'ada').some((h) => h.json.data.id === started.body.id), 20_000)).toBe(true);
    console.log(`participant recording: recording-started webhook ${Date.now() - requestedAt} ms after the start request`);
    const startedAt = Date.now();
    await new Promise((r) => setTimeout(r, 2500));
    expect((await callMeeting(pages[0]!, 'disableWebcam')).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 3000));
    expect((await callMeeting(pages[0]!, 'enableWebcam')).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 4500));
    const stopAt = Date.now();
    const stopped = await rest('POST', '/v2/recordings/participant/stop', { roomId: MEETING, participantId: 'ada' });
    console.log(`participant recording: stop answered (file finished) in ${Date.now() - stopAt} ms`);
    expect(stopped.body.status, JSON.stringify(stopped.body)).toBe('completed');
    const { file } = await download(stopped.body.file.fileUrl, 'ada-toggle.mp4');
    const probe = await probeStream(file);
    expect(probe.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    const duration = Number(probe.format?.duration);
    const [atLeast, atMost] = [(stopAt - startedAt) / 1000 - 2, (stopAt - requestedAt) / 1000 + 1];
    expect(duration, `file ${duration} s, expected ${atLeast}..${atMost}`).toBeGreaterThan(atLeast);
    expect(duration).toBeLessThan(atMost);
    // The 3 s without camera are kept as time in the video track (the last frame held), not cut out.
    const [v, a] = ['video', 'audio'].map((t) => Number((probe.streams.find((s) => s.codec_type === t) as any)?.duration));
    expect(Math.abs(v! - a!), `video ${v} s, audio ${a} s`).toBeLessThan(1);
    // The new camera stream reached the file: its last seconds move again.
    const tail = await chromaStats(file, { fromSeconds: duration - 2.5 });
    expect(tail.motion, JSON.stringify(tail)).toBeGreaterThan(1);
    expect(tail.chromaDistance, JSON.stringify(tail)).toBeGreaterThan(60);
  }, 60_000);

  it("a track recording of ada's screen share: H.264 video only", async () => {
    expect(await startScreenShare(pages[0]!)).toBe('ok');
    const started = await waitFor(async () => {
      const r = await rest('POST', '/v2/recordings/participant/track/start', { roomId: MEETING, participantId: 'ada', kind: 'screen_video', config: { quality: 'low' } });
      return r.status === 200 ? r.body : null;
    }, 15_000, 300);
    expect(started?.kind).toBe('screen_video');
    expect(await waitFor(async () => hooksOf('recording-started', 'ada').some((h) => h.json.data.id === started.id), 20_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 3000));
    const stopped = await rest('POST', '/v2/recordings/participant/track/stop', { roomId: MEETING, participantId: 'ada', kind: 'screen_video' });
    expect(stopped.body).toMatchObject({ status: 'completed', kind: 'screen_video' });
    expect(stopped.body.file.type).toBe('video/mp4');
    const { file } = await download(stopped.body.file.fileUrl, 'ada-screen.mp4');
    const probe = await probeStream(file);
    expect(probe.streams.map((s) => `${s.codec_type}:${s.codec_name}`)).toEqual(['video:h264']);
    expect(Number(probe.format?.duration)).toBeGreaterThan(2);
    expect((await callMeeting(pages[0]!, 'disableScreenShare')).ok).toBe(true);
  }, 60_000);

  it('a participant who leaves ends their recording: file finished, recording-stopped with fileUrl', async () => {
    const started = await rest('POST', '/v2/recordings/participant/start', { roomId: MEETING, participantId: 'bob', config: { quality: 'low' } });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(await waitFor(async () => hooksOf('recording-started', 'bob').some((h) => h.json.data.id === started.body.id), 20_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 3000));
    expect((await callMeeting(pages[1]!, 'leave')).ok).toBe(true);
    const hook = await waitFor(async () => hooksOf('recording-stopped', 'bob').find((h) => h.json.data.id === started.body.id), 20_000);
    expect(hook?.json.data.fileUrl).toMatch(new RegExp(`/v2/recordings/${started.body.id}/file$`));
    const got = await rest('GET', `/v2/recordings/participant/${started.body.id}`);
    expect(got.body.status).toBe('completed');
    expect(got.body.file.duration).toBeGreaterThan(1.5);
  }, 60_000);

  it('delete removes the record and the file', async () => {
    const rec = (await rest('GET', `/v2/recordings/participant/${participantRec}`)).body;
    const path = join(server.config.dataDir, 'recordings', MEETING);
    const deleted = await rest('DELETE', `/v2/recordings/participant/${participantRec}`);
    expect(deleted.status).toBe(200);
    expect((await rest('GET', `/v2/recordings/participant/${participantRec}`)).status).toBe(404);
    expect((await fetch(`${rec.file.fileUrl}?token=${restToken}`)).status).toBe(404);
    expect(await stat(join(path, rec.sessionId, `${participantRec}.mp4`)).then(() => true, () => false)).toBe(false);
    expect((await rest('DELETE', `/v2/recordings/participant/track/${trackRec}`)).status).toBe(200);
  });
});

describe('participant recording without ffmpeg', () => {
  it('start fails with START_RECORDING_FAILED naming the path; the server and the meeting go on', async () => {
    const broken = await startTestServer({ egress: { ffmpegPath: '/nonexistent/ffmpeg' }, mediaWorkers: 0 } as never);
    let page: Page | null = null;
    try {
      page = await openSdkPage(browser, broken.url, 'noffmpeg');
      expect((await joinMeeting(page, { meetingId: 'no-ffmpeg', name: 'dee', participantId: 'dee', webcamEnabled: false })).ok).toBe(true);
      const res = await waitFor(async () => {
        const r = await fetch(`${broken.url}/v2/recordings/participant/track/start`, { method: 'POST', headers: { authorization: restToken, 'content-type': 'application/json' }, body: JSON.stringify({ roomId: 'no-ffmpeg', participantId: 'dee', kind: 'audio' }) });
        const body = (await r.json()) as any;
        return /does not publish/.test(body.error?.message ?? '') ? null : { status: r.status, body };
      }, 15_000, 300);
      expect(res?.status).toBe(400);
      expect(res?.body.error.code).toBe(ErrorCode.START_RECORDING_FAILED);
      expect(res?.body.error.message).toMatch(/ffmpeg not found.*\/nonexistent\/ffmpeg/);
      expect((await fetch(`${broken.url}/health`)).ok).toBe(true);
      expect((await callMeeting(page, 'muteMic')).ok).toBe(true);
    } finally {
      await page?.close().catch(() => {});
      await broken.stop();
    }
  }, 60_000);
});

describe('kill -9 of the server mid participant recording (media in the server process)', () => {
  it('leaves a playable file up to a few seconds before the kill, and ffmpeg does not outlive the server', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'roomkit-prec-kill9-'));
    const port = 35000 + Math.floor(Math.random() * 5000);
    const child: ChildProcess = spawn(
      process.execPath,
      ['--import', 'tsx', 'packages/server/src/cli.ts', 'start', '--port', String(port), '--rtc-port', String(port + 1), '--bind', '127.0.0.1', '--data-dir', dataDir, '--log-level', 'warn', '--media-workers', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    let page: Page | null = null;
    try {
      const url = `http://127.0.0.1:${port}`;
      expect(await waitFor(() => fetch(`${url}/health`).then((r) => r.ok, () => false), 30_000), output).toBe(true);
      page = await openSdkPage(browser, url, 'kill9');
      expect((await joinMeeting(page, { meetingId: 'kill-prec', name: 'cy', participantId: 'cy' })).ok).toBe(true);
      const start = () => fetch(`${url}/v2/recordings/participant/start`, { method: 'POST', headers: { authorization: restToken, 'content-type': 'application/json' }, body: JSON.stringify({ roomId: 'kill-prec', participantId: 'cy', config: { quality: 'low' } }) });
      // Only what is published at start is recorded: wait for mic and camera (then let the server catch up).
      expect(await waitFor(async () => {
        const st = await localState(page!);
        return st.micOn && st.webcamOn;
      }, 20_000)).toBe(true);
      await new Promise((r) => setTimeout(r, 1000));
      const started = await waitFor(async () => {
        const res = await start();
        const body = (await res.json()) as any;
        return res.status === 200 ? body : null;
      }, 20_000, 500);
      expect(started?.id, output).toBeTruthy();
      const dir = join(dataDir, 'recordings', 'kill-prec');
      const file = await waitFor(async () => {
        const [session] = await readdir(dir).catch(() => [] as string[]);
        const name = session ? (await readdir(join(dir, session))).find((f) => f.startsWith(`${started.id}.`)) : undefined;
        const path = name ? join(dir, session!, name) : null;
        return path && (await stat(path).then((s) => s.size > 0, () => false)) ? path : null;
      }, 20_000);
      const row = file ? null : await fetch(`${url}/v2/recordings/participant/${started.id}`, { headers: { authorization: restToken } }).then((r) => r.json(), () => null);
      expect(file, `no media in the file: ${JSON.stringify(row)} ${output}`).toBeTruthy();
      const mediaAt = Date.now();
      await new Promise((r) => setTimeout(r, 6000));
      const ffmpegPid = await findProcess('ffmpeg', started.id);
      expect(ffmpegPid).toBeDefined();
      // The participant's browser goes away (the participant stays for its reconnection grace, so
      // the recording goes on): no packet reaches ffmpeg any more. One SIGINT does not end an
      // ffmpeg that waits in its read (a fresh-clone CI run left one running for 15 minutes after
      // the kill, when it had just caught up), so a single parent-death signal would leave it hanging.
      await page.close();
      page = null;
      const mediaOffAfter = (Date.now() - mediaAt) / 1000;
      await new Promise((r) => setTimeout(r, 2000));
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      // ffmpeg got two SIGINTs from its wrapper (which got the parent-death signal) and closed the file.
      expect(await waitFor(async () => (await findProcess('ffmpeg', started.id)) === undefined, 10_000)).toBe(true);
      const probe = await probeStream(file!);
      expect(probe.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
      expect(Number(probe.format?.duration)).toBeGreaterThan(mediaOffAfter - 3);
    } finally {
      await page?.close().catch(() => {});
      if (child.exitCode === null) child.kill('SIGKILL');
      // Even when the test failed because one outlived the server: no ffmpeg is left behind.
      for (let pid = await findProcess('ffmpeg', dataDir), n = 0; pid !== undefined && n < 5; pid = await findProcess('ffmpeg', dataDir), n++) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});

/** PID of a process whose command line contains `name` and `marker`. */
async function findProcess(name: string, marker: string): Promise<number | undefined> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmd = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes(name) && cmd.includes(marker)) return Number(entry);
  }
  return undefined;
}
