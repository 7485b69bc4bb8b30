// Recording through REST and its failure modes, with a real server, compositor and ffmpeg:
// auth and bad inputs, start/end/list/get/download/delete, the Chromium compositor option,
// ffmpeg missing (4011, server stays up),
// ffmpeg killed mid-job (RECORDING_FAILED to participants, meeting goes on, file still readable),
// and `kill -9` of a server process mid-recording leaving a playable file.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '@roomkit/protocol';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { connectWs, type WsTestClient } from './helpers/wsClient.js';
import { waitFor } from './helpers/sdkPage.js';
import { probeStream } from './helpers/probeStream.js';
import { generateToken } from '../src/auth/AccessToken.js';
import { DEV_API_KEY, DEV_API_SECRET } from '../src/config/defaults.js';

// The operator's backend (REST is the crawler role's; a meeting token may only create and read rooms).
const restToken = generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join', 'allow_mod'], roles: ['crawler'] });
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

async function rest(url: string, method: string, path: string, body?: unknown, token: string | null = restToken) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...(token ? { authorization: token } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = null;
  try { json = JSON.parse(text); } catch { /* binary */ }
  return { status: res.status, body: json, bytes: text.length };
}

/** A SIGNALLING_ONLY participant: the live session a recording needs, and an ear for events. */
async function participant(url: string, room: string): Promise<WsTestClient> {
  const ws = await connectWs(url);
  const token = (await fetch(`${url}/dev/token?roomId=${room}`).then((r) => r.json())).token;
  const joined = await ws.request({ t: 'join', token, meetingId: room, name: 'Host', mode: 'SIGNALLING_ONLY' });
  expect(joined.ok, JSON.stringify(joined)).toBe(true);
  cleanups.push(() => ws.close());
  return ws;
}

const stateIs = (status: string) => (m: any) => m.t === 'egressState' && m.kind === 'recording' && m.status === status;

describe('recording REST API', () => {
  let server: TestServer;

  it('refuses missing auth, bad bodies, unknown rooms, and rooms without a session', async () => {
    server = await startTestServer();
    cleanups.push(() => server.stop());
    expect((await rest(server.url, 'POST', '/v2/recordings/start', { roomId: 'r1' }, null)).status).toBe(401);
    const bad = await rest(server.url, 'POST', '/v2/recordings/start', { roomId: 'r1', config: { quality: 'ultra' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^config\.quality/);
    expect((await rest(server.url, 'POST', '/v2/recordings/start', { roomId: 'r1', colour: 1 })).body.error.message).toMatch(/colour: unknown field/);
    expect((await rest(server.url, 'POST', '/v2/recordings/start', { roomId: 'nope' })).status).toBe(404);
    await rest(server.url, 'POST', '/v2/rooms', { customRoomId: 'empty-room' });
    const noSession = await rest(server.url, 'POST', '/v2/recordings/start', { roomId: 'empty-room' });
    expect(noSession.body.error.code).toBe(ErrorCode.START_RECORDING_FAILED);
    expect(noSession.body.error.message).toMatch(/no ongoing session/);
    const notRunning = await rest(server.url, 'POST', '/v2/recordings/end', { roomId: 'empty-room' });
    expect(notRunning.body.error.code).toBe(ErrorCode.STOP_RECORDING_FAILED);
    expect((await rest(server.url, 'GET', '/v2/recordings/unknown-id')).status).toBe(404);
    expect((await rest(server.url, 'GET', '/v2/recordings?perPage=500')).status).toBe(400);
  });

  it('start, end, list, get, download (header or ?token=) and delete', async () => {
    const ws = await participant(server.url, 'rest-rec');
    const started = await rest(server.url, 'POST', '/v2/recordings/start', { roomId: 'rest-rec', config: { quality: 'low', orientation: 'portrait' } });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    await ws.waitFor(stateIs('RECORDING_STARTED'), 30_000);
    await new Promise((r) => setTimeout(r, 3000));
    const ended = await rest(server.url, 'POST', '/v2/recordings/end', { roomId: 'rest-rec' });
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ id: started.body.id, status: 'completed', roomId: 'rest-rec' });
    await ws.waitFor(stateIs('RECORDING_STOPPED'), 10_000);

    const list = await rest(server.url, 'GET', '/v2/recordings?roomId=rest-rec&perPage=1');
    expect(list.body.pageInfo).toEqual({ currentPage: 1, perPage: 1, lastPage: 1, total: 1 });
    const got = await rest(server.url, 'GET', `/v2/recordings/${started.body.id}`);
    expect(got.body.file.fileUrl).toBe(`${server.url}/v2/recordings/${started.body.id}/file`);
    expect(got.body.file.duration).toBeGreaterThan(1.5);
    const path = `/v2/recordings/${started.body.id}/file`;
    expect((await rest(server.url, 'GET', path, undefined, null)).status).toBe(401);
    const viaHeader = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${restToken}` } });
    expect(viaHeader.headers.get('content-type')).toBe('video/mp4');
    expect((await viaHeader.arrayBuffer()).byteLength).toBe(got.body.file.size);
    expect(viaHeader.headers.get('accept-ranges')).toBe('bytes');
    // A <video> seeking: a byte range, then revalidation by ETag; a range past the end is a 416.
    const ranged = await fetch(`${server.url}${path}?token=${restToken}`, { headers: { range: 'bytes=1000-1999' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 1000-1999/${got.body.file.size}`);
    expect((await ranged.arrayBuffer()).byteLength).toBe(1000);
    const notModified = await fetch(`${server.url}${path}?token=${restToken}`, {
      // fetch adds `cache-control: no-cache` (which forbids a 304) to a conditional request unless one is given.
      headers: { 'if-none-match': viaHeader.headers.get('etag')!, 'cache-control': 'max-age=0' },
    });
    expect(notModified.status).toBe(304);
    const beyond = await fetch(`${server.url}${path}?token=${restToken}`, { headers: { range: `bytes=${got.body.file.size + 10}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${got.body.file.size}`);
    expect((await fetch(`${server.url}${path}`, { headers: { range: 'bytes=0-10' } })).status).toBe(401);
    const probe = await probeStream(`${server.url}${path}?token=${restToken}`);
    expect(probe.streams.find((s) => s.codec_type === 'video')).toMatchObject({ codec_name: 'h264', width: 480, height: 854 });

    expect((await rest(server.url, 'DELETE', `/v2/recordings/${started.body.id}`)).status).toBe(200);
    expect((await rest(server.url, 'GET', `/v2/recordings/${started.body.id}`)).status).toBe(404);
    expect((await fetch(`${server.url}${path}?token=${restToken}`)).status).toBe(404);
  }, 60_000);

  it('ffmpeg killed mid-job: RECORDING_FAILED to participants, state STOPPED, meeting goes on, file readable', async () => {
    const ws = await participant(server.url, 'crash-rec');
    const started = await rest(server.url, 'POST', '/v2/recordings/start', { roomId: 'crash-rec', config: { quality: 'low' } });
    await ws.waitFor(stateIs('RECORDING_STARTED'), 30_000);
    await new Promise((r) => setTimeout(r, 4000));
    // The job's encoder (the one writing <id>.mp4), not a decoder: a decoder that dies is replaced.
    const ffmpeg = await findProcess('ffmpeg', `${started.body.id}.mp4`);
    expect(ffmpeg).toBeDefined();
    process.kill(ffmpeg!, 'SIGKILL');
    const error = await ws.waitFor((m) => m.t === 'error' && m.error.code === ErrorCode.RECORDING_FAILED, 10_000);
    expect(error.error.message).toMatch(/ffmpeg exited/);
    await ws.waitFor(stateIs('RECORDING_STOPPED'), 15_000);
    expect((await ws.request({ t: 'ping' })).ok).toBe(true);
    const file = join(server.config.dataDir, 'recordings', 'crash-rec');
    const [session] = await readdir(file);
    const probe = await probeStream(join(file, session!, `${started.body.id}.mp4`));
    expect(Number(probe.format?.duration)).toBeGreaterThan(1.5);
  }, 60_000);

  it("mode 'audio' records the mixed audio alone: an MP4 with one AAC stream", async () => {
    const ws = await participant(server.url, 'audio-rec');
    const started = await rest(server.url, 'POST', '/v2/recordings/start', { roomId: 'audio-rec', config: { mode: 'audio' } });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    await ws.waitFor(stateIs('RECORDING_STARTED'), 30_000);
    await new Promise((r) => setTimeout(r, 2500));
    const ended = await rest(server.url, 'POST', '/v2/recordings/end', { roomId: 'audio-rec' });
    expect(ended.body).toMatchObject({ status: 'completed' });
    const dir = join(server.config.dataDir, 'recordings', 'audio-rec');
    const [session] = await readdir(dir);
    const probe = await probeStream(join(dir, session!, `${started.body.id}.mp4`));
    expect(probe.streams.map((s) => `${s.codec_type}:${s.codec_name}`)).toEqual(['audio:aac']);
    expect(Number(probe.format?.duration)).toBeGreaterThan(1.5);
  }, 30_000);

  it("portrait SIDEBAR at quality 'med' is a 720x1280 H.264 file", async () => {
    const ws = await participant(server.url, 'portrait-rec');
    const started = await rest(server.url, 'POST', '/v2/recordings/start', { roomId: 'portrait-rec', config: { quality: 'med', orientation: 'portrait', layout: { type: 'SIDEBAR' } } });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    await ws.waitFor(stateIs('RECORDING_STARTED'), 30_000);
    await new Promise((r) => setTimeout(r, 2000));
    expect((await rest(server.url, 'POST', '/v2/recordings/end', { roomId: 'portrait-rec' })).body).toMatchObject({ status: 'completed' });
    const dir = join(server.config.dataDir, 'recordings', 'portrait-rec');
    const [session] = await readdir(dir);
    const probe = await probeStream(join(dir, session!, `${started.body.id}.mp4`));
    expect(probe.streams.find((s) => s.codec_type === 'video')).toMatchObject({ codec_name: 'h264', width: 720, height: 1280 });
  }, 30_000);

  it("with egress.compositor 'chromium', a headless browser page records the room instead, unseen by participants", async () => {
    const browserServer = await startTestServer({ egress: { compositor: 'chromium' } } as never);
    cleanups.push(() => browserServer.stop());
    const ws = await participant(browserServer.url, 'browser-rec');
    const started = await rest(browserServer.url, 'POST', '/v2/recordings/start', { roomId: 'browser-rec', config: { quality: 'low' } });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    await ws.waitFor(stateIs('RECORDING_STARTED'), 30_000);
    await new Promise((r) => setTimeout(r, 3000));
    const ended = await rest(browserServer.url, 'POST', '/v2/recordings/end', { roomId: 'browser-rec' });
    expect(ended.body).toMatchObject({ id: started.body.id, status: 'completed' });
    expect(ws.messages.some((m) => m.t === 'participantJoined'), 'the recorder is not announced').toBe(false);
    const dir = join(browserServer.config.dataDir, 'recordings', 'browser-rec');
    const [session] = await readdir(dir);
    const probe = await probeStream(join(dir, session!, `${started.body.id}.mp4`));
    expect(probe.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual(['audio:aac', 'video:h264']);
    expect(probe.streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 854, height: 480 });
  }, 60_000);

  it('with ffmpeg missing, start fails with START_RECORDING_FAILED naming it and the server stays up', async () => {
    const broken = await startTestServer({ egress: { ffmpegPath: '/nonexistent/ffmpeg' } } as never);
    cleanups.push(() => broken.stop());
    const ws = await participant(broken.url, 'no-ffmpeg');
    const res = await ws.request({ t: 'startEgress', kind: 'recording' });
    expect(res.error.code).toBe(ErrorCode.START_RECORDING_FAILED);
    expect(res.error.message).toMatch(/ffmpeg not found.*\/nonexistent\/ffmpeg/);
    expect(ws.messages.some((m) => m.t === 'egressState')).toBe(false);
    expect((await fetch(`${broken.url}/health`)).ok).toBe(true);
    expect((await ws.request({ t: 'ping' })).ok).toBe(true);
  });
});

describe('kill -9 of the server mid-recording', () => {
  it('leaves a file ffprobe reads, up to a few seconds before the kill', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'roomkit-kill9-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const port = 35000 + Math.floor(Math.random() * 5000);
    const child: ChildProcess = spawn(
      process.execPath,
      ['--import', 'tsx', 'packages/server/src/cli.ts', 'start', '--port', String(port), '--rtc-port', String(port + 1), '--bind', '127.0.0.1', '--data-dir', dataDir, '--log-level', 'warn'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    cleanups.push(async () => child.exitCode === null && child.kill('SIGKILL'));
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const url = `http://127.0.0.1:${port}`;
    expect(await waitFor(() => fetch(`${url}/health`).then((r) => r.ok, () => false), 30_000), output).toBe(true);
    const ws = await participant(url, 'kill-rec');
    const started = await rest(url, 'POST', '/v2/recordings/start', { roomId: 'kill-rec', config: { quality: 'low' } });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    await ws.waitFor(stateIs('RECORDING_STARTED'), 30_000);
    const startedAt = Date.now();
    await new Promise((r) => setTimeout(r, 6000));
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    const killedAfter = (Date.now() - startedAt) / 1000;
    await exited;
    const dir = join(dataDir, 'recordings', 'kill-rec');
    const file = await waitFor(async () => {
      const [session] = await readdir(dir).catch(() => [] as string[]);
      return session ? join(dir, session, `${started.body.id}.mp4`) : null;
    }, 5000);
    // The compositor goes with the server (parent-death signal); ffmpeg finishes what it has.
    const probe = await waitFor(() => probeStream(file!).catch(() => null), 10_000, 500);
    expect(probe?.streams.find((s) => s.codec_type === 'video')?.codec_name).toBe('h264');
    expect(Number(probe?.format?.duration)).toBeGreaterThan(killedAfter - 3.5);
    expect(await waitFor(async () => (await findProcess('chromium', started.body.id)) === undefined, 10_000)).toBe(true);
  }, 90_000);
});

/** PID of a process whose command line contains `name` and `marker` (the job id). */
async function findProcess(name: string, marker: string): Promise<number | undefined> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmd = await import('node:fs/promises').then((fs) => fs.readFile(`/proc/${entry}/cmdline`, 'utf8')).catch(() => '');
    if (cmd.includes(name) && cmd.includes(marker)) return Number(entry);
  }
  return undefined;
}
