// Storage limits of egress jobs (issue #14 item 6) with a real server and ffmpeg: the free-space
// floor refuses a new job and stops a running one as failed (the disk really fills: fallocate) (error to the room and the failure
// webhook), and the maximum duration stops a job cleanly (`reason: 'max-duration'`, file kept).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '@roomkit/protocol';
import { startTestServer } from './helpers/testServer.js';
import { connectWs, type WsTestClient } from './helpers/wsClient.js';
import { startWebhookReceiver } from './helpers/webhookReceiver.js';
import { NodeParticipants, sleep, until } from './helpers/nodeParticipants.js';
import { generateToken } from '../src/auth/AccessToken.js';
import { DEV_API_KEY, DEV_API_SECRET } from '../src/config/defaults.js';

const operatorToken = generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join'], roles: ['crawler'] });

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

async function moderator(url: string, room: string): Promise<WsTestClient> {
  const ws = await connectWs(url);
  cleanups.push(() => ws.close());
  const token = (await fetch(`${url}/dev/token?roomId=${room}`).then((r) => r.json())).token;
  const joined = await ws.request({ t: 'join', token, meetingId: room, name: 'Host', mode: 'SIGNALLING_ONLY' });
  expect(joined.ok, JSON.stringify(joined)).toBe(true);
  return ws;
}

const PETABYTE_MB = 1_000_000_000;
const state = (kind: string, status: string) => (m: any) => m.t === 'egressState' && m.kind === kind && m.status === status;

describe('egress storage limits', () => {
  it('startEgress below the free-space floor (egressMinFreeMb) is START_RECORDING_FAILED / START_HLS_FAILED naming the floor; nothing starts', async () => {
    const server = await startTestServer({ egressMinFreeMb: PETABYTE_MB });
    cleanups.push(() => server.stop());
    const ws = await moderator(server.url, 'full-disk');
    const rec = await ws.request({ t: 'startEgress', kind: 'recording' });
    expect(rec.error?.code, JSON.stringify(rec)).toBe(ErrorCode.START_RECORDING_FAILED);
    expect(rec.error.message).toMatch(/MB free, under the 1000000000 MB floor \(egressMinFreeMb\)/);
    const hls = await ws.request({ t: 'startEgress', kind: 'hls' });
    expect(hls.error?.code).toBe(ErrorCode.START_HLS_FAILED);
    expect(ws.messages.some((m) => m.t === 'egressState')).toBe(false);
  });

  it('a running recording whose disk falls under the floor stops as RECORDING_FAILED with the recording-failed webhook', async () => {
    const rx = await startWebhookReceiver(DEV_API_SECRET);
    cleanups.push(() => rx.close());
    // The floor sits 300 MB under what is free now; then 1 GB lands on the disk (really allocated).
    const dataDir = await mkdtemp(join(tmpdir(), 'roomkit-disk-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const fs = await statfs(dataDir);
    const freeMb = Math.floor((fs.bavail * fs.bsize) / 1024 / 1024);
    const server = await startTestServer({ dataDir, webhookUrl: `${rx.url}/all`, egressMinFreeMb: freeMb - 300 });
    cleanups.push(() => server.stop());
    const ws = await moderator(server.url, 'filling-disk');
    const started = await ws.request({ t: 'startEgress', kind: 'recording', config: { quality: 'low' } });
    expect(started.ok, JSON.stringify(started)).toBe(true);
    await ws.waitFor(state('recording', 'RECORDING_STARTED'), 30_000);
    await promisify(execFile)('fallocate', ['-l', '1G', join(dataDir, 'filler')]);
    const error = await ws.waitFor((m: any) => m.t === 'error' && m.error.code === ErrorCode.RECORDING_FAILED, 15_000);
    expect(error.error.message).toMatch(/egressMinFreeMb/);
    await ws.waitFor(state('recording', 'RECORDING_STOPPED'), 15_000);
    const failed = await until(() => rx.accepted().find((h) => h.json.webhookType === 'recording-failed'), 15_000);
    expect(failed?.json.data.error).toMatch(/egressMinFreeMb/);
  }, 60_000);

  it('a recording reaching egressMaxJobSeconds stops cleanly: recording-stopped says reason max-duration and carries the file', async () => {
    const rx = await startWebhookReceiver(DEV_API_SECRET);
    cleanups.push(() => rx.close());
    const server = await startTestServer({ webhookUrl: `${rx.url}/all`, egressMaxJobSeconds: 4 });
    cleanups.push(() => server.stop());
    const ws = await moderator(server.url, 'long-meeting');
    expect((await ws.request({ t: 'startEgress', kind: 'recording', config: { quality: 'low' } })).ok).toBe(true);
    await ws.waitFor(state('recording', 'RECORDING_STOPPED'), 30_000);
    const stopped = await until(() => rx.accepted().find((h) => h.json.webhookType === 'recording-stopped'), 15_000);
    expect(stopped?.json.data).toMatchObject({ reason: 'max-duration' });
    expect(stopped?.json.data.fileUrl).toMatch(/\/file$/);
    expect(rx.requests.some((h) => h.json.webhookType === 'recording-failed')).toBe(false);
    expect(ws.messages.some((m) => m.t === 'error')).toBe(false);
  }, 60_000);

  it('a participant recording reaching egressMaxJobSeconds stops cleanly: recording-stopped says reason max-duration and carries the file', async () => {
    const rx = await startWebhookReceiver(DEV_API_SECRET);
    cleanups.push(() => rx.close());
    const server = await startTestServer({ webhookUrl: `${rx.url}/all`, egressMaxJobSeconds: 4 });
    cleanups.push(() => server.stop());
    const bots = new NodeParticipants(() => server.url);
    cleanups.push(() => bots.leaveAll());
    const meeting = await bots.join('long-participant', 'Bot', true);
    const start = () =>
      fetch(`${server.url}/v2/recordings/participant/start`, {
        method: 'POST',
        headers: { authorization: operatorToken, 'content-type': 'application/json' },
        body: JSON.stringify({ roomId: 'long-participant', participantId: meeting.localParticipant.id, config: { quality: 'low' } }),
      }).then(async (r) => (r.status === 200 ? ((await r.json()) as { id: string }) : null));
    let started: { id: string } | null = null;
    for (let i = 0; i < 40 && !started; i++) started = await start().then((s) => s ?? sleep(500).then(() => null));
    expect(started).toBeTruthy();
    const stopped = await until(() => rx.accepted().find((h) => h.json.webhookType === 'recording-stopped' && h.json.data.id === started!.id), 30_000);
    expect(stopped?.json.data).toMatchObject({ reason: 'max-duration', type: 'participant' });
    expect(stopped?.json.data.fileUrl).toMatch(/\/file$/);
    expect(rx.requests.some((h) => h.json.webhookType === 'recording-failed')).toBe(false);
  }, 60_000);
});
