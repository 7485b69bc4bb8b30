// Placement of a room's subscribers across workers and the pipe commands it sends, with recorded
// commands instead of worker processes (the real pipes are in PipeHub.test.ts and test/spanning.test.ts).
import { describe, expect, it } from 'vitest';
import { BUSY_CPU, LOAD_SPAN_MIN_SUBSCRIBERS, SpanningRooms, type SpanWorker } from './SpanningRooms.js';
import type { MediaCommand } from '../types.js';
import type { PipeCommand } from './pipeTypes.js';

function setup(capacity: number, count = 2) {
  const workers: Array<SpanWorker & { alive: boolean; cpuLoad: number }> = Array.from({ length: count }, (_, index) => ({ index, alive: true, pipePort: 40000 + index, routers: new Set<string>(), cpuLoad: 0 }));
  const sent: Array<{ to: number; command: MediaCommand | PipeCommand }> = [];
  const rooms = new SpanningRooms(capacity, async (w, command) => {
    sent.push({ to: w.index, command });
    return command.op === 'pipeOut' ? { params: { id: command.producerId } } : {};
  }, () => workers);
  return { workers, sent, rooms };
}

describe('SpanningRooms', () => {
  it('keeps a room on its origin up to the capacity, then places subscribers on a relay that first gets every producer piped', async () => {
    const { workers, sent, rooms } = setup(2);
    rooms.onRouterCreated('r', workers[0]!);
    workers[0]!.routers.add('r');
    await rooms.onProducerCreated('r', 'cam');
    expect(sent).toEqual([]); // no relay yet: nothing to pipe
    expect((await rooms.placeSubscriber('r', 's1'))!.index).toBe(0);
    expect((await rooms.placeSubscriber('r', 's2'))!.index).toBe(0);
    expect((await rooms.placeSubscriber('r', 's3'))!.index).toBe(1);
    expect(sent.map((s) => [s.to, s.command.op])).toEqual([[1, 'createRouter'], [0, 'pipeOut'], [1, 'pipeIn']]);
    const out = sent[1]!.command as Extract<PipeCommand, { op: 'pipeOut' }>;
    const into = sent[2]!.command as Extract<PipeCommand, { op: 'pipeIn' }>;
    expect(out).toMatchObject({ producerId: 'cam', toPort: 40001 });
    expect(into).toMatchObject({ producerId: 'cam', fromPort: 40000, pipeId: out.pipeId, params: { id: 'cam' } });
    expect(rooms.isRelay('r', workers[1]!)).toBe(true);
    expect(rooms.isRelay('r', workers[0]!)).toBe(false);

    // A later producer is piped to the relay before it is announced.
    sent.length = 0;
    await rooms.onProducerCreated('r', 'mic');
    expect(sent.map((s) => [s.to, s.command.op])).toEqual([[0, 'pipeOut'], [1, 'pipeIn']]);

    // A subscriber leaving the origin frees its place there.
    rooms.onTransportClosed('s1');
    expect((await rooms.placeSubscriber('r', 's4'))!.index).toBe(0);

    // The producer closing closes its pipe on both ends.
    sent.length = 0;
    rooms.onTransportClosed('cam');
    await Promise.resolve();
    expect(sent.map((s) => [s.to, s.command.op]).sort()).toEqual([[0, 'closePipe'], [1, 'closePipe']]);
  });

  it('capacity 0 keeps every subscriber on the origin', async () => {
    const { workers, sent, rooms } = setup(0);
    rooms.onRouterCreated('r', workers[0]!);
    for (let i = 0; i < 10; i++) expect((await rooms.placeSubscriber('r', `s${i}`))!.index).toBe(0);
    expect(sent).toEqual([]);
  });

  it('a relay dying loses the room (it is rebuilt) and closes it on the origin', async () => {
    const { workers, sent, rooms } = setup(1);
    rooms.onRouterCreated('r', workers[0]!);
    await rooms.placeSubscriber('r', 's1');
    await rooms.placeSubscriber('r', 's2');
    sent.length = 0;
    workers[1]!.alive = false;
    expect(rooms.onWorkerLost(workers[1]!)).toEqual(['r']);
    expect(sent.map((s) => [s.to, s.command.op])).toEqual([[0, 'closeRouter']]);
    expect(await rooms.placeSubscriber('r', 's3')).toBeNull(); // forgotten until created again
  });

  it('a producer created while its relay is being made ready is piped there once (a second pipeIn failed the publish)', async () => {
    const { workers, sent, rooms } = setup(1);
    rooms.onRouterCreated('r', workers[0]!);
    workers[0]!.routers.add('r');
    expect((await rooms.placeSubscriber('r', 's1'))!.index).toBe(0);
    // The second subscriber needs a relay; the camera appears while its router is being created.
    const placing = rooms.placeSubscriber('r', 's2');
    const producing = rooms.onProducerCreated('r', 'cam');
    await Promise.all([placing, producing]);
    expect(sent.filter((c) => c.command.op === 'pipeIn').map((c) => (c.command as { producerId: string }).producerId)).toEqual(['cam']);
    expect(sent.filter((c) => c.command.op === 'pipeOut')).toHaveLength(1);
  });

  it("a busy origin passes the room's next subscribers to a worker that is not busy, once it carries enough of them", async () => {
    const { workers, sent, rooms } = setup(200, 3);
    rooms.onRouterCreated('r', workers[0]!);
    workers[0]!.routers.add('r');
    workers[1]!.routers.add('other'); // worker 2 is the least loaded spare
    workers[0]!.cpuLoad = BUSY_CPU + 0.1;
    // Busy, but a small room stays where it is: spanning it would gain nothing.
    for (let i = 0; i < LOAD_SPAN_MIN_SUBSCRIBERS; i++) expect((await rooms.placeSubscriber('r', `s${i}`))!.index).toBe(0);
    expect(sent).toEqual([]);
    expect((await rooms.placeSubscriber('r', 'next'))!.index).toBe(2);
    expect(sent.map((s) => [s.to, s.command.op])).toEqual([[2, 'createRouter']]);
    // The relay takes the next ones while it is not busy itself.
    expect((await rooms.placeSubscriber('r', 'next2'))!.index).toBe(2);
    // The origin calms down: it takes subscribers again.
    workers[0]!.cpuLoad = 0.2;
    expect((await rooms.placeSubscriber('r', 'calm'))!.index).toBe(0);
  });

  it('a busy origin keeps its subscribers when every other worker is busy too, up to the capacity', async () => {
    const { workers, sent, rooms } = setup(LOAD_SPAN_MIN_SUBSCRIBERS + 2);
    rooms.onRouterCreated('r', workers[0]!);
    for (const w of workers) w.cpuLoad = BUSY_CPU + 0.2;
    for (let i = 0; i < LOAD_SPAN_MIN_SUBSCRIBERS + 2; i++) expect((await rooms.placeSubscriber('r', `s${i}`))!.index).toBe(0);
    expect(sent).toEqual([]);
    // Full: the capacity spans whatever the load.
    expect((await rooms.placeSubscriber('r', 'over'))!.index).toBe(1);
  });
});
