import { afterEach, describe, expect, it } from 'vitest';
import { WorkerMediaEngine } from './WorkerMediaEngine.js';
import type { MediaEvent } from './types.js';

let engine: WorkerMediaEngine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

const options = () => ({ bindAddress: '127.0.0.1', announcedIp: '127.0.0.1', rtcPort: 41000 + Math.floor(Math.random() * 5000) * 2 });

describe('WorkerMediaEngine', () => {
  it('places rooms on the least loaded worker, each worker on its own UDP port', async () => {
    const opts = options();
    engine = await WorkerMediaEngine.start(opts, 2);
    expect(engine.ports).toEqual([opts.rtcPort, opts.rtcPort + 1]);
    await engine.request({ op: 'createRouter', routerId: 'a' });
    await engine.request({ op: 'createRouter', routerId: 'b' });
    expect((await engine.request({ op: 'stats' })).routers).toBe(2);
    const perWorker = (engine as unknown as { workers: Array<{ routers: Set<string> }> }).workers.map((w) => w.routers.size);
    expect(perWorker).toEqual([1, 1]);
  });

  it('a command for an unknown transport rejects with not_found, and the engine keeps working', async () => {
    engine = await WorkerMediaEngine.start(options(), 1);
    await expect(engine.request({ op: 'closeTransport', transportId: 'nope' })).rejects.toMatchObject({ reason: 'not_found' });
    await engine.request({ op: 'createRouter', routerId: 'r' });
    await expect(engine.request({ op: 'createPublisher', routerId: 'r', transportId: 't', kind: 'video', offerSdp: 'garbage', simulcast: false })).rejects.toMatchObject({ reason: 'bad_sdp' });
    expect((await engine.request({ op: 'stats' })).routers).toBe(1);
  });

  it('a crashed worker reports routerLost for its rooms, which can then be recreated on a live worker', async () => {
    engine = await WorkerMediaEngine.start(options(), 2);
    const events: MediaEvent[] = [];
    engine.onEvent((e) => events.push(e));
    await engine.request({ op: 'createRouter', routerId: 'first' });
    await engine.request({ op: 'createRouter', routerId: 'second' });
    await engine.crashWorker(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(events).toEqual([{ ev: 'routerLost', routerId: 'first' }]);
    expect(engine.workerCount).toBe(1);
    await engine.request({ op: 'createRouter', routerId: 'first' });
    expect((await engine.request({ op: 'stats' })).routers).toBe(2);
  });

  it('a dead worker whose respawns keep failing is retried with doubling delays (1 s, 2 s, 4 s ...), then replaced once it can start', async () => {
    engine = await WorkerMediaEngine.start(options(), 1);
    engine.failRespawnsForTest = true;
    await engine.crashWorker(0);
    expect(engine.workerCount).toBe(0);
    await new Promise((r) => setTimeout(r, 3500));
    // Attempts at ~1 s and ~3 s (1 + 2); the next is due at ~7 s.
    expect(engine.respawnAttempts).toBe(2);
    engine.failRespawnsForTest = false;
    const deadline = Date.now() + 15_000;
    while (engine.workerCount === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(engine.workerCount).toBe(1);
    expect(engine.respawnAttempts).toBe(3);
    await engine.request({ op: 'createRouter', routerId: 'after' });
    expect((await engine.request({ op: 'stats' })).routers).toBe(1);
  }, 30_000);
});
