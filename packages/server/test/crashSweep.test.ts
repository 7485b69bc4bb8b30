// The boot sweep (issue #14 item 6): after `kill -9` of a server mid-recording and mid-HLS, the
// next start on the same data dir marks the cut-off recording and stream failed (REST status,
// `recording-failed` / `hls-failed` webhooks), keeps the recording's playable file, and removes
// the stream's HLS directory and the jobs' scratch files.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectWs, type WsTestClient } from './helpers/wsClient.js';
import { waitFor } from './helpers/sdkPage.js';
import { startWebhookReceiver } from './helpers/webhookReceiver.js';
import { generateToken } from '../src/auth/AccessToken.js';
import { DEV_API_KEY, DEV_API_SECRET } from '../src/config/defaults.js';

const operatorToken = generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join'], roles: ['crawler'] });
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

async function rest(url: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, { method, headers: { authorization: operatorToken, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

function startCli(dataDir: string, port: number, webhookUrl: string): { child: ChildProcess; output: () => string } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'packages/server/src/cli.ts', 'start', '--port', String(port), '--rtc-port', String(port + 1), '--bind', '127.0.0.1', '--data-dir', dataDir, '--log-level', 'warn', '--media-workers', '0', '--webhook-url', webhookUrl],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  cleanups.push(async () => child.exitCode === null && child.kill('SIGKILL'));
  return { child, output: () => output };
}

async function participant(url: string, room: string): Promise<WsTestClient> {
  const ws = await connectWs(url);
  cleanups.push(() => ws.close());
  const token = (await fetch(`${url}/dev/token?roomId=${room}`).then((r) => r.json())).token;
  await ws.request({ t: 'join', token, meetingId: room, name: 'Host', mode: 'SIGNALLING_ONLY' });
  return ws;
}

describe('boot sweep after kill -9', () => {
  it('marks the cut-off recording and HLS stream failed with their failure webhooks, keeps the playable file, removes HLS and scratch directories', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'roomkit-sweep-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const rx = await startWebhookReceiver(DEV_API_SECRET);
    cleanups.push(() => rx.close());
    const port = 35000 + Math.floor(Math.random() * 5000);
    const url = `http://127.0.0.1:${port}`;
    const first = startCli(dataDir, port, `${rx.url}/all`);
    expect(await waitFor(() => fetch(`${url}/health`).then((r) => r.ok, () => false), 30_000), first.output()).toBe(true);
    const ws = await participant(url, 'crash-room');
    const rec = await rest(url, 'POST', '/v2/recordings/start', { roomId: 'crash-room', config: { quality: 'low' } });
    expect(rec.status, JSON.stringify(rec.body)).toBe(200);
    const hls = await rest(url, 'POST', '/v2/hls/start', { roomId: 'crash-room', config: { quality: 'low' } });
    expect(hls.status, JSON.stringify(hls.body)).toBe(200);
    await ws.waitFor((m) => m.t === 'egressState' && m.kind === 'hls' && m.status === 'HLS_PLAYABLE', 30_000);
    const hlsDir = join(dataDir, 'hls', 'crash-room', hls.body.id);
    expect(existsSync(hlsDir)).toBe(true);
    await new Promise((r) => setTimeout(r, 2000));
    const exited = new Promise((r) => first.child.once('exit', r));
    first.child.kill('SIGKILL');
    await exited;
    await ws.close();

    const second = startCli(dataDir, port, `${rx.url}/all`);
    expect(await waitFor(() => fetch(`${url}/health`).then((r) => r.ok, () => false), 30_000), second.output()).toBe(true);
    const recording = await rest(url, 'GET', `/v2/recordings/${rec.body.id}`);
    expect(recording.body).toMatchObject({ id: rec.body.id, status: 'failed' });
    const failedRec = await waitFor(async () => rx.accepted().find((h) => h.json.webhookType === 'recording-failed' && h.json.data.id === rec.body.id) ?? null, 15_000);
    expect(failedRec?.json.data.error).toMatch(/server stopped while the job ran/);
    const failedHls = await waitFor(async () => rx.accepted().find((h) => h.json.webhookType === 'hls-failed' && h.json.data.id === hls.body.id) ?? null, 15_000);
    expect(failedHls).toBeTruthy();
    const list = await rest(url, 'GET', '/v2/hls?roomId=crash-room');
    expect(list.body.data.find((r: any) => r.id === hls.body.id)).toMatchObject({ status: 'failed' });
    // The fragmented MP4 stays: playable up to the cut.
    const [session] = await readdir(join(dataDir, 'recordings', 'crash-room'));
    expect(existsSync(join(dataDir, 'recordings', 'crash-room', session!, `${rec.body.id}.mp4`))).toBe(true);
    expect(existsSync(hlsDir)).toBe(false);
    expect(existsSync(join(dataDir, 'egress-tmp'))).toBe(false);
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
  }, 120_000);
});
