// Supervised media workers (issue #14): a worker process that dies is respawned on its port with
// backoff, /health counts live workers and answers 503 when none is live, and a meeting whose only
// worker died is rebuilt on the respawned one (clients get mediaReset and media flows again).
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Meeting } from '@roomkit/node-client';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { NodeParticipants, until } from './helpers/nodeParticipants.js';
import { WorkerMediaEngine } from '../src/media/WorkerMediaEngine.js';

let server: TestServer | null = null;
let url = '';
const bots = new NodeParticipants(() => url);

afterEach(async () => {
  await bots.leaveAll();
  await server?.stop();
  server = null;
});
afterAll(async () => {
  await server?.stop();
});

interface Handle { worker: { pid: number; kill(signal: string): boolean }; alive: boolean; ready: boolean }
const handles = (engine: WorkerMediaEngine) => (engine as unknown as { workers: Handle[] }).workers;
const health = async () => {
  const res = await fetch(`${url}/health`);
  return { status: res.status, body: (await res.json()) as { ok: boolean; mediaWorkers: { live: number; configured: number } } };
};

/** SIGKILLs worker `index`'s process as a crash would (not through the engine), and waits for the engine to notice. */
async function kill(engine: WorkerMediaEngine, index: number): Promise<void> {
  const handle = handles(engine)[index]!;
  process.kill(handle.worker.pid, 'SIGKILL');
  expect(await until(() => !handle.alive, 5000)).toBe(true);
}

describe('media worker supervision', () => {
  it('a SIGKILLed worker is replaced by a new process on its port; /health counts live workers', async () => {
    server = await startTestServer({ mediaWorkers: 2 });
    url = server.url;
    const engine = server.server.media as WorkerMediaEngine;
    expect(await health()).toEqual({ status: 200, body: expect.objectContaining({ ok: true, mediaWorkers: { live: 2, configured: 2 } }) });
    const oldPid = handles(engine)[0]!.worker.pid;
    const ports = engine.ports;
    await kill(engine, 0);
    expect((await health()).body.mediaWorkers).toEqual({ live: 1, configured: 2 });
    expect(await until(() => engine.workerCount === 2, 15_000)).toBe(true);
    expect(handles(engine)[0]!.worker.pid).not.toBe(oldPid);
    expect(engine.ports.sort()).toEqual(ports.sort());
    expect(await health()).toEqual({ status: 200, body: expect.objectContaining({ ok: true, mediaWorkers: { live: 2, configured: 2 } }) });
    // Per-worker counters of the packet path's defences, the respawned worker's included.
    const metrics = await fetch(`${url}/metrics`).then((r) => r.text());
    for (const w of ['0', '1']) {
      expect(metrics).toContain(`roomkit_media_packet_errors_total{worker="${w}"} 0`);
      expect(metrics).toContain(`roomkit_media_rtcp_dropped_total{worker="${w}"} 0`);
    }
    expect(metrics).toContain('roomkit_media_workers 2');
    // The new worker carries rooms.
    await engine.request({ op: 'createRouter', routerId: 'a' });
    await engine.request({ op: 'createRouter', routerId: 'b' });
    expect((await engine.request({ op: 'stats' })).routers).toBe(2);
  }, 60_000);

  it('every worker dead and respawns failing: /health answers 503 with live 0; once respawns work again it is back to 200', async () => {
    server = await startTestServer({ mediaWorkers: 2 });
    url = server.url;
    const engine = server.server.media as WorkerMediaEngine;
    engine.failRespawnsForTest = true;
    await kill(engine, 0);
    await kill(engine, 1);
    const down = await health();
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ ok: false, mediaWorkers: { live: 0, configured: 2 } });
    // Still down after the first (failing) respawn attempts.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await health()).status).toBe(503);
    engine.failRespawnsForTest = false;
    expect(await until(() => engine.workerCount === 2, 20_000)).toBe(true);
    expect((await health()).status).toBe(200);
  }, 60_000);

  it('the meeting on the only worker, which died: rebuilt on the respawned worker, both bots receive again, nobody leaves', async () => {
    server = await startTestServer({ mediaWorkers: 1 });
    url = server.url;
    const engine = server.server.media as WorkerMediaEngine;
    const a = await bots.join('respawn-room', 'BotA', true);
    const b = await bots.join('respawn-room', 'BotB', true);
    const left: string[] = [];
    for (const bot of [a, b]) {
      bot.on('participant-left', (p) => left.push(p.id));
      bot.on('meeting-left', () => left.push('self'));
    }
    expect(await receiving(a, b, 20_000)).toBe(true);
    expect(await receiving(b, a, 20_000)).toBe(true);
    await kill(engine, 0);
    expect((await health()).status).toBe(503);
    expect(await until(() => engine.workerCount === 1, 15_000)).toBe(true);
    expect(await receiving(a, b, 30_000)).toBe(true);
    expect(await receiving(b, a, 30_000)).toBe(true);
    expect(left).toEqual([]);
  }, 120_000);
});

function videoPackets(viewer: Meeting, sender: Meeting): number {
  const stream = [...(viewer.participants.get(sender.localParticipant.id)?.streams.values() ?? [])].find((s) => s.kind === 'video');
  return stream?.stats?.packets ?? 0;
}

async function receiving(viewer: Meeting, sender: Meeting, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const before = videoPackets(viewer, sender);
    await new Promise((r) => setTimeout(r, 1000));
    if (videoPackets(viewer, sender) - before > 20) return true;
  }
  return false;
}
