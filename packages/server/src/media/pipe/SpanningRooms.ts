// Which workers carry each room, in the main process. A room lives on its origin worker (its
// publishers are there); once the origin carries `capacity` of its subscribers, or is busy (see
// BUSY_CPU) with at least LOAD_SPAN_MIN_SUBSCRIBERS of them, further subscriber transports go to a
// relay worker, which gets a copy of the room fed by pipes from the origin: one pipe per producer
// per relay, set up before the subscriber (or the new producer) is announced.
import type { ProducerParams } from '../Producer.js';
import type { MediaCommand } from '../types.js';
import type { PipeCommand, PipeResults } from './pipeTypes.js';

export interface SpanWorker {
  readonly index: number;
  readonly alive: boolean;
  readonly pipePort: number;
  /** Rooms this worker is origin of (the engine's own count, used for placement). */
  readonly routers: Set<string>;
  /** CPU the worker process used over the last second, in cores (0 until it reports). */
  readonly cpuLoad: number;
}

/**
 * A worker using this much of a core is busy: a room's next subscribers go to a worker that is not.
 * Spanning costs the origin one datagram per packet per relay and the relay a copy of the room, so
 * it pays only once a worker nears its core, not at a fixed head count.
 */
export const BUSY_CPU = 0.7;
/** A room spans for load only with this many subscribers on the busy worker (small rooms never do). */
export const LOAD_SPAN_MIN_SUBSCRIBERS = 20;

interface Placement<W extends SpanWorker> {
  origin: W;
  /** Relays in the order they were added, with their room copy ready. */
  relays: Map<W, Promise<void>>;
  subscribers: Map<W, number>;
  /** Producer ids on the origin. */
  producers: Set<string>;
  /** producerId → relay → pipeId */
  pipes: Map<string, Map<W, number>>;
  /**
   * producerId → relay → the pipe being (or already) set up: a producer created while a relay is
   * being made ready is piped by both, and a second pipeIn failed with "producer exists", which
   * failed that publish (seen as 3073 "Could not publish video" in the spanning browser test).
   */
  piping: Map<string, Map<W, Promise<void>>>;
}

type Send<W> = (worker: W, command: MediaCommand | PipeCommand) => Promise<unknown>;

export class SpanningRooms<W extends SpanWorker> {
  private readonly rooms = new Map<string, Placement<W>>();
  /** subscriber transportId → [routerId, worker] */
  private readonly subscriberOf = new Map<string, { routerId: string; worker: W }>();
  private nextPipeId = 1;

  constructor(
    private readonly capacity: number,
    private readonly send: Send<W>,
    private readonly workers: () => readonly W[],
  ) {}

  onRouterCreated(routerId: string, origin: W): void {
    if (!this.rooms.has(routerId)) this.rooms.set(routerId, { origin, relays: new Map(), subscribers: new Map(), producers: new Set(), pipes: new Map(), piping: new Map() });
  }

  /** Workers carrying the room besides its origin. */
  relaysOf(routerId: string): W[] {
    return [...(this.rooms.get(routerId)?.relays.keys() ?? [])];
  }

  isRelay(routerId: string, worker: W): boolean {
    return this.rooms.get(routerId)?.relays.has(worker) ?? false;
  }

  /** The worker a new subscriber transport of the room goes to (a relay is made ready first). */
  async placeSubscriber(routerId: string, transportId: string): Promise<W | null> {
    const room = this.rooms.get(routerId);
    if (!room || !room.origin.alive) return null;
    const chosen = this.capacity > 0 ? this.choose(room) : room.origin;
    if (chosen !== room.origin) await this.ensureRelay(routerId, room, chosen);
    room.subscribers.set(chosen, (room.subscribers.get(chosen) ?? 0) + 1);
    this.subscriberOf.set(transportId, { routerId, worker: chosen });
    return chosen;
  }

  private choose(room: Placement<W>): W {
    const count = (w: W) => room.subscribers.get(w) ?? 0;
    const busy = (w: W) => w.cpuLoad >= BUSY_CPU && count(w) >= LOAD_SPAN_MIN_SUBSCRIBERS;
    const carrying = [room.origin, ...room.relays.keys()].filter((w) => w.alive);
    const underCap = carrying.filter((w) => count(w) < this.capacity);
    const free = underCap.find((w) => !busy(w));
    if (free) return free;
    // Least loaded first: fewest rooms of its own, then fewest relayed rooms, then CPU. A worker
    // only busy (not full) spans only to a worker that is not busy itself.
    const spare = this.workers()
      .filter((w) => w.alive && !carrying.includes(w) && (underCap.length === 0 || w.cpuLoad < BUSY_CPU))
      .sort((a, b) => a.routers.size + this.relayCount(a) - (b.routers.size + this.relayCount(b)) || a.cpuLoad - b.cpuLoad);
    if (spare[0]) return spare[0];
    if (underCap.length > 0) return underCap.reduce((a, b) => (b.cpuLoad < a.cpuLoad ? b : a));
    return carrying.reduce((a, b) => (count(b) < count(a) ? b : a));
  }

  private relayCount(worker: W): number {
    let n = 0;
    for (const room of this.rooms.values()) if (room.relays.has(worker)) n++;
    return n;
  }

  private ensureRelay(routerId: string, room: Placement<W>, relay: W): Promise<void> {
    let ready = room.relays.get(relay);
    if (!ready) {
      ready = (async () => {
        await this.send(relay, { op: 'createRouter', routerId });
        await Promise.all([...room.producers].map((producerId) => this.pipe(routerId, room, producerId, relay)));
      })();
      room.relays.set(relay, ready);
      ready.catch(() => room.relays.delete(relay));
    }
    return ready;
  }

  /** Pipes `producerId` to `relay` once, however many callers ask (see `piping`). */
  private pipe(routerId: string, room: Placement<W>, producerId: string, relay: W): Promise<void> {
    let byRelay = room.piping.get(producerId);
    if (!byRelay) room.piping.set(producerId, (byRelay = new Map()));
    let pending = byRelay.get(relay);
    if (!pending) {
      pending = this.openPipe(routerId, room, producerId, relay);
      byRelay.set(relay, pending);
      pending.catch(() => {
        if (room.piping.get(producerId)?.get(relay) === pending) room.piping.get(producerId)!.delete(relay);
      });
    }
    return pending;
  }

  private async openPipe(routerId: string, room: Placement<W>, producerId: string, relay: W): Promise<void> {
    const pipeId = this.nextPipeId++;
    const out = (await this.send(room.origin, { op: 'pipeOut', routerId, producerId, pipeId, toPort: relay.pipePort })) as PipeResults['pipeOut'];
    let byRelay = room.pipes.get(producerId);
    if (!byRelay) room.pipes.set(producerId, (byRelay = new Map()));
    byRelay.set(relay, pipeId);
    await this.send(relay, { op: 'pipeIn', routerId, producerId, pipeId, fromPort: room.origin.pipePort, params: out.params as ProducerParams });
  }

  /** A producer was created on the origin: pipe it to every relay before it is announced. */
  async onProducerCreated(routerId: string, producerId: string): Promise<void> {
    const room = this.rooms.get(routerId);
    if (!room) return;
    room.producers.add(producerId);
    await Promise.all(
      [...room.relays].map(async ([relay, ready]) => {
        await ready;
        if (relay.alive) await this.pipe(routerId, room, producerId, relay);
      }),
    );
  }

  /** A transport closed: a producer's pipes close, a subscriber frees its place. */
  onTransportClosed(transportId: string): void {
    const sub = this.subscriberOf.get(transportId);
    if (sub) {
      this.subscriberOf.delete(transportId);
      const room = this.rooms.get(sub.routerId);
      if (room) room.subscribers.set(sub.worker, Math.max(0, (room.subscribers.get(sub.worker) ?? 1) - 1));
      return;
    }
    for (const room of this.rooms.values()) {
      if (!room.producers.delete(transportId)) continue;
      room.piping.delete(transportId);
      for (const [relay, pipeId] of room.pipes.get(transportId) ?? []) {
        if (relay.alive) this.send(relay, { op: 'closePipe', pipeId }).catch(() => {});
        if (room.origin.alive) this.send(room.origin, { op: 'closePipe', pipeId }).catch(() => {});
      }
      room.pipes.delete(transportId);
    }
  }

  /** The room closed (closeRouter went to the origin): close its copies on the relays. */
  onRouterClosed(routerId: string): void {
    const room = this.rooms.get(routerId);
    if (!room) return;
    this.rooms.delete(routerId);
    for (const relay of room.relays.keys()) if (relay.alive) this.send(relay, { op: 'closeRouter', routerId }).catch(() => {});
    for (const [id, s] of this.subscriberOf) if (s.routerId === routerId) this.subscriberOf.delete(id);
  }

  /** A worker died: every room it carried (as origin or relay) is lost; returns their ids. */
  onWorkerLost(worker: W): string[] {
    const lost: string[] = [];
    for (const [routerId, room] of this.rooms) {
      if (room.origin === worker || room.relays.has(worker)) {
        lost.push(routerId);
        this.onRouterClosed(routerId);
        if (room.origin !== worker && room.origin.alive) this.send(room.origin, { op: 'closeRouter', routerId }).catch(() => {});
      }
    }
    return lost;
  }
}
