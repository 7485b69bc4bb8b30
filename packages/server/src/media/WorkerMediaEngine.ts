// The MediaEngine on media workers: one worker process per core, each with its own UDP port
// (rtcPort + index), rooms placed on the least loaded live worker. Commands travel as messages
// (the same plain objects LocalMediaEngine handles); media packets never cross processes.
// A worker that dies is reported as `routerLost` for each of its rooms, so rooms can rebuild (on a
// live worker; with none left, once one is back), and is respawned on its port with backoff.
// Processes rather than worker_threads: node-datachannel 0.33 aborts V8 inside a worker_thread.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MediaError } from './errors.js';
import type { MediaCommand, MediaCommandOf, MediaEngine, MediaEngineOptions, MediaEvent, MediaResults, MediaStats, QualityReport } from './types.js';
import type { WorkerMessage } from './mediaWorker.js';
import { logger } from '../logger.js';
import { SpanningRooms } from './pipe/SpanningRooms.js';
import type { PipeCommand } from './pipe/pipeTypes.js';
import type { RuntimeMetrics } from './workerRuntimeMetrics.js';

const log = logger('media:WorkerMediaEngine');
const READY_TIMEOUT_MS = 20_000;
const STATS_TIMEOUT_MS = 2000;
/** Respawn delay after a worker died: doubles per death from the first to the last value. */
export const RESPAWN_MIN_MS = 1000;
export const RESPAWN_MAX_MS = 30_000;
/** A worker that stayed up this long died of something new: its next respawn waits the minimum again. */
export const RESPAWN_STABLE_MS = 60_000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

interface Pending {
  resolve(result: unknown): void;
  reject(err: Error): void;
}

class WorkerHandle {
  alive = true;
  /** Said `ready`: it takes rooms and counts as live. */
  ready = false;
  readonly startedAtMs = performance.now();
  /** Its end of the pipes between workers (127.0.0.1 UDP). */
  pipePort = 0;
  readonly routers = new Set<string>();
  /** Cores its process used over the last second (its `load` reports). */
  cpuLoad = 0;
  readonly pending = new Map<number, Pending>();
  constructor(
    readonly index: number,
    readonly worker: ChildProcess,
    readonly rtcPort: number,
  ) {}
}

function createdId(command: MediaCommand): string | null {
  switch (command.op) {
    case 'createRouter':
      return command.routerId;
    case 'createPublisher':
    case 'createSubscriber':
      return command.transportId;
    case 'consume':
      return command.consumerId;
    case 'createRtpTap':
      return command.tapId;
    default:
      return null;
  }
}

/**
 * The worker's entry. Compiled (this file is .js), the worker runs the built mediaWorker.js with plain
 * node, resolving the workspace packages to their built dist/ as the main process does (the
 * `roomkit-dist` export condition, see the root README; no-op for the published packages). From the
 * TypeScript sources (tests, tsx) it runs mediaWorker.ts through tsx.
 */
const WORKER_ENTRY = import.meta.url.endsWith('.js')
  ? { file: fileURLToPath(new URL('./mediaWorker.js', import.meta.url)), execArgv: ['--conditions=roomkit-dist'] }
  : { file: fileURLToPath(new URL('./mediaWorker.ts', import.meta.url)), execArgv: ['--import', 'tsx'] };

export class WorkerMediaEngine implements MediaEngine {
  private readonly workers: WorkerHandle[] = [];
  /** routerId, transportId or consumerId → the worker that owns it. */
  private readonly owners = new Map<string, WorkerHandle>();
  /** createSubscriber commands still choosing their worker (a room spanning workers may need a relay first). */
  private readonly placing = new Map<string, Promise<WorkerHandle | null>>();
  private readonly listeners: Array<(event: MediaEvent) => void> = [];
  private nextRequestId = 1;
  private closing = false;
  private options: MediaEngineOptions | null = null;
  private configured = 0;
  /** Per worker slot: the next respawn's delay, and its pending timer. */
  private readonly respawnDelayMs: number[] = [];
  private readonly respawnTimers = new Map<number, NodeJS.Timeout>();
  /** Rooms lost while no worker was live: reported (routerLost) again once one is back. */
  private readonly orphanedRouters = new Set<string>();
  /** Workers started since boot, respawns included, and respawns attempted (for tests and logs). */
  spawned = 0;
  respawnAttempts = 0;
  /** Test hook: while true, respawns fail at once (as a worker that cannot start would). */
  failRespawnsForTest = false;

  /** Subscribers of one room per worker before the room spans another worker (0: never). */
  private readonly spanning: SpanningRooms<WorkerHandle>;

  private constructor(roomCapacity: number) {
    this.spanning = new SpanningRooms(roomCapacity, (w, c) => this.send(w, c), () => this.workers.filter((w) => w.ready));
  }

  /** Starts `count` workers; worker i binds UDP port `options.rtcPort + i`. */
  static async start(options: MediaEngineOptions, count: number, placement: { roomCapacity: number } = { roomCapacity: 0 }): Promise<WorkerMediaEngine> {
    const engine = new WorkerMediaEngine(placement.roomCapacity);
    engine.options = options;
    engine.configured = count;
    try {
      await Promise.all(Array.from({ length: count }, (_, i) => engine.spawn(options, i)));
    } catch (err) {
      await engine.close();
      throw err;
    }
    return engine;
  }

  private spawn(options: MediaEngineOptions, index: number): Promise<void> {
    const rtcPort = options.rtcPort + index;
    const worker = fork(WORKER_ENTRY.file, [], {
      // RK_MEDIA_WORKER_NODE_ARGS: extra node flags for the workers only (profiling: --cpu-prof, --trace-deopt).
      execArgv: [...WORKER_ENTRY.execArgv, ...(process.env.RK_MEDIA_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? [])],
      // glibc gives each thread that allocates (libjuice, libdatachannel's pool, JS) its own malloc
      // arena; packets allocated on one thread and freed on another fragment them. Two arenas cut
      // the worker's memory per subscriber by about a fifth (bench:memory), at no visible CPU cost.
      env: { MALLOC_ARENA_MAX: '2', ...process.env, RK_MEDIA_WORKER_OPTIONS: JSON.stringify({ ...options, rtcPort }) },
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const handle = new WorkerHandle(index, worker, rtcPort);
    this.workers[index] = handle; // a respawn takes its predecessor's slot (and UDP port)
    this.spawned++;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`media worker ${index} did not start`)), READY_TIMEOUT_MS);
      worker.on('message', (message: WorkerMessage) => {
        if (message.kind === 'ready') {
          handle.pipePort = message.pipePort;
          handle.ready = true;
          clearTimeout(timer);
          resolve();
        } else this.onMessage(handle, message);
      });
      worker.once('error', (err) => {
        clearTimeout(timer);
        log.error({ err, worker: index }, 'media worker failed');
        reject(err);
      });
      worker.once('exit', (code) => {
        clearTimeout(timer);
        if (!handle.alive) return;
        reject(new Error(`media worker ${index} exited with ${code}`));
        this.onExit(handle, code ?? -1);
      });
    });
  }

  get workerCount(): number {
    return this.workers.filter((w) => w.alive && w.ready).length;
  }

  /** Live and configured workers, for /health. */
  workerHealth(): { live: number; configured: number } {
    return { live: this.workerCount, configured: this.configured };
  }

  /** A worker died: start a new one on its port after the slot's backoff (doubling, reset once one stayed up). */
  private scheduleRespawn(handle: WorkerHandle, stayedUp: boolean): void {
    if (this.closing || this.options === null || this.respawnTimers.has(handle.index)) return;
    const index = handle.index;
    const delay = stayedUp || this.respawnDelayMs[index] === undefined ? RESPAWN_MIN_MS : this.respawnDelayMs[index]!;
    this.respawnDelayMs[index] = Math.min(RESPAWN_MAX_MS, delay * 2);
    log.warn({ worker: index, inMs: delay }, 'media worker will be respawned');
    const timer = setTimeout(() => {
      this.respawnTimers.delete(index);
      void this.respawn(index, handle);
    }, delay);
    timer.unref();
    this.respawnTimers.set(index, timer);
  }

  private async respawn(index: number, dead: WorkerHandle): Promise<void> {
    if (this.closing || this.options === null) return;
    this.respawnAttempts++;
    try {
      if (this.failRespawnsForTest) throw new Error('respawn disabled by a test');
      await this.spawn(this.options, index);
    } catch (err) {
      log.error({ err, worker: index }, 'media worker respawn failed');
      const current = this.workers[index]!;
      // Forked but never ready: kill it, and its exit schedules the next attempt (onExit).
      if (current !== dead && current.alive) current.worker.kill('SIGKILL');
      else this.scheduleRespawn(current, false);
      return;
    }
    if (this.closing) return;
    log.info({ worker: index, rtcPort: this.workers[index]!.rtcPort }, 'media worker respawned');
    // Rooms lost while nothing was live rebuild now.
    const orphans = [...this.orphanedRouters];
    this.orphanedRouters.clear();
    for (const routerId of orphans) for (const listener of this.listeners) listener({ ev: 'routerLost', routerId });
  }

  onEvent(listener: (event: MediaEvent) => void): void {
    this.listeners.push(listener);
  }

  async request<Op extends MediaCommand['op']>(command: MediaCommandOf<Op>): Promise<MediaResults[Op]> {
    if (command.op === 'stats') return (await this.stats()) as MediaResults[Op];
    if (command.op === 'quality') return (await this.quality()) as MediaResults[Op];
    // A room's subscribers may go to another worker than its origin (a room spanning workers).
    const c = command as MediaCommand;
    let placed: WorkerHandle | null = null;
    if (c.op === 'createSubscriber') {
      const placing = this.spanning.placeSubscriber(c.routerId, c.transportId);
      this.placing.set(c.transportId, placing);
      try {
        placed = await placing;
      } finally {
        this.placing.delete(c.transportId);
      }
    } else if (c.op === 'consume') {
      // A consume sent right behind its createSubscriber (a join) follows it to its worker.
      const placing = this.placing.get(c.subscriberId);
      if (placing) await placing.catch(() => null);
    }
    const handle = placed ?? this.route(command);
    // Claim new ids before the worker answers: a command naming them may be routed meanwhile
    // (a consume right after createSubscriber), and it must reach the same worker.
    this.claim(handle, command);
    let result: unknown;
    try {
      result = await this.send(handle, command);
    } catch (err) {
      this.unclaim(handle, command);
      if (c.op === 'createSubscriber') this.spanning.onTransportClosed(c.transportId);
      throw err;
    }
    this.release(handle, command);
    if (c.op === 'createRouter') this.spanning.onRouterCreated(c.routerId, handle);
    else if (c.op === 'createPublisher') await this.spanning.onProducerCreated(c.routerId, (result as MediaResults['createPublisher']).producerId);
    else if (c.op === 'closeTransport') this.spanning.onTransportClosed(c.transportId);
    else if (c.op === 'closeRouter') this.spanning.onRouterClosed(c.routerId);
    return result as MediaResults[Op];
  }

  /** Which worker a command goes to: new rooms to the least loaded, everything else to its owner. */
  private route(command: MediaCommand): WorkerHandle {
    if (command.op === 'createRouter') {
      const existing = this.owners.get(command.routerId);
      if (existing?.alive) return existing;
      const live = this.workers.filter((w) => w.alive && w.ready);
      if (live.length === 0) throw new MediaError('closed', 'no media worker is running');
      return live.reduce((a, b) => (b.routers.size < a.routers.size ? b : a));
    }
    const key =
      command.op === 'createPublisher' || command.op === 'createSubscriber' || command.op === 'closeRouter' || command.op === 'createRtpTap'
        ? command.routerId
        : command.op === 'consume'
          ? command.subscriberId
          : command.op === 'closeConsumer' || command.op === 'setConsumerLayer' || command.op === 'setConsumerPaused'
            ? command.consumerId
            : command.op === 'setRtpTapSource' || command.op === 'closeRtpTap'
              ? command.tapId
              : command.op === 'stats' || command.op === 'quality'
                ? ''
                : command.transportId;
    const owner = this.owners.get(key);
    if (!owner || !owner.alive) throw new MediaError('not_found', `no live media worker owns ${key}`);
    return owner;
  }

  /** Ids a command creates belong to its worker from the moment it is sent. */
  private claim(handle: WorkerHandle, command: MediaCommand): void {
    const id = createdId(command);
    if (id === null) return;
    this.owners.set(id, handle);
    if (command.op === 'createRouter') handle.routers.add(command.routerId);
  }

  private unclaim(handle: WorkerHandle, command: MediaCommand): void {
    const id = createdId(command);
    if (id === null || this.owners.get(id) !== handle) return;
    this.owners.delete(id);
    if (command.op === 'createRouter') handle.routers.delete(command.routerId);
  }

  /** Ids a command closed are forgotten once the worker confirmed. */
  private release(handle: WorkerHandle, command: MediaCommand): void {
    const id =
      command.op === 'closeRouter' ? command.routerId
      : command.op === 'closeTransport' ? command.transportId
      : command.op === 'closeConsumer' ? command.consumerId
      : command.op === 'closeRtpTap' ? command.tapId
      : null;
    if (id === null) return;
    if (this.owners.get(id) === handle) this.owners.delete(id);
    if (command.op === 'closeRouter') handle.routers.delete(command.routerId);
  }

  private send(handle: WorkerHandle, command: MediaCommand | PipeCommand | 'runtimeMetrics'): Promise<unknown> {
    if (!handle.alive) return Promise.reject(new MediaError('closed', `media worker ${handle.index} is gone`));
    const id = this.nextRequestId++;
    return new Promise((resolve, reject) => {
      handle.pending.set(id, { resolve, reject });
      handle.worker.send(command === 'runtimeMetrics' ? { id, runtimeMetrics: true } : { id, command });
    });
  }

  private onMessage(handle: WorkerHandle, message: WorkerMessage): void {
    if (message.kind === 'event') {
      const event = message.event as MediaEvent;
      // A relay's copy of a room hears the same audio: only the origin names the speaker.
      if (event.ev === 'activeSpeaker' && this.spanning.isRelay(event.routerId, handle)) return;
      for (const listener of this.listeners) listener(message.event as MediaEvent);
      return;
    }
    if (message.kind === 'load') {
      handle.cpuLoad = message.cpu;
      return;
    }
    if (message.kind !== 'reply') return;
    const pending = handle.pending.get(message.id);
    if (!pending) return;
    handle.pending.delete(message.id);
    if (message.ok) pending.resolve(message.result);
    else pending.reject(new MediaError(message.reason, message.message));
  }

  private onExit(handle: WorkerHandle, code: number): void {
    if (!handle.alive) return;
    handle.alive = false;
    for (const pending of handle.pending.values()) pending.reject(new MediaError('closed', `media worker ${handle.index} exited`));
    handle.pending.clear();
    for (const [key, owner] of this.owners) if (owner === handle) this.owners.delete(key);
    const lost = [...new Set([...handle.routers, ...this.spanning.onWorkerLost(handle)])];
    handle.routers.clear();
    if (this.closing) return;
    this.scheduleRespawn(handle, handle.ready && performance.now() - handle.startedAtMs >= RESPAWN_STABLE_MS);
    if (this.workerCount === 0) {
      // Nowhere to rebuild them now: they rebuild when a respawned worker is up.
      log.error({ worker: handle.index, code, rooms: lost.length }, 'media worker exited and none is live; its rooms wait for a respawn');
      for (const routerId of lost) this.orphanedRouters.add(routerId);
      return;
    }
    log.error({ worker: handle.index, code, rooms: lost.length }, 'media worker exited; its rooms move to the remaining workers');
    for (const routerId of lost) for (const listener of this.listeners) listener({ ev: 'routerLost', routerId });
  }

  /** Kills a worker abruptly, as a crash would (for tests of recovery). */
  async crashWorker(index: number): Promise<void> {
    const handle = this.workers[index];
    if (!handle || !handle.alive) return;
    const exited = new Promise<void>((resolve) => handle.worker.once('exit', () => resolve()));
    handle.worker.kill('SIGKILL');
    await exited;
  }

  /** Media ports in use: the announced candidate of a transport uses its worker's port. */
  get ports(): number[] {
    return this.workers.filter((w) => w.alive).map((w) => w.rtcPort);
  }

  private async stats(): Promise<MediaStats> {
    const total: MediaStats = { routers: 0, transports: 0, producers: 0, consumers: 0, packetsIn: 0, packetsOut: 0, sendErrors: 0, fastStarts: 0, shedVideoPackets: 0, shedAudioPackets: 0, latenessMs: 0, rssBytes: 0, heapUsedBytes: 0, packetErrors: 0, rtcpDropped: 0 };
    for (const { stats: s } of await this.workerStats()) {
      for (const key of Object.keys(total) as Array<keyof MediaStats>) total[key] = key === 'latenessMs' ? Math.max(total[key], s[key]) : total[key] + s[key];
    }
    return total;
  }

  /** Every live worker's quality figures, concatenated; a worker too busy to answer in time is left out. */
  private async quality(): Promise<QualityReport> {
    const live = this.workers.filter((w) => w.alive && w.ready);
    const all = await Promise.all(live.map((w) => withTimeout(this.send(w, { op: 'quality' }), STATS_TIMEOUT_MS).catch(() => null)));
    const report: QualityReport = { producers: [], subscribers: [] };
    for (const r of all as Array<QualityReport | null>) {
      if (!r) continue;
      report.producers.push(...r.producers);
      report.subscribers.push(...r.subscribers);
    }
    return report;
  }

  /** Each live worker's own figures (for per-worker metrics), with the CPU it last reported (cores). */
  async workerStats(): Promise<Array<{ worker: number; stats: MediaStats; cpuCores: number }>> {
    const live = this.workers.filter((w) => w.alive && w.ready);
    // A worker far behind answers late (its reply queues behind the packets): leave it out.
    const all = await Promise.all(live.map((w) => withTimeout(this.send(w, { op: 'stats' }), STATS_TIMEOUT_MS).catch(() => null)));
    const out: Array<{ worker: number; stats: MediaStats; cpuCores: number }> = [];
    all.forEach((s, i) => {
      if (s) out.push({ worker: live[i]!.index, stats: s as MediaStats, cpuCores: live[i]!.cpuLoad });
    });
    return out;
  }

  /**
   * Each live worker's Node runtime metrics (prom-client JSON), asked at scrape time over its IPC
   * channel; a worker that does not answer within STATS_TIMEOUT_MS is left out of this scrape, and
   * a dead one is simply not asked, so its series disappear.
   */
  async workerRuntimeMetrics(): Promise<Array<{ worker: number; metrics: RuntimeMetrics }>> {
    const live = this.workers.filter((w) => w.alive && w.ready);
    const all = await Promise.all(live.map((w) => withTimeout(this.send(w, 'runtimeMetrics'), STATS_TIMEOUT_MS).catch(() => null)));
    return all.flatMap((m, i) => (m ? [{ worker: live[i]!.index, metrics: m as RuntimeMetrics }] : []));
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const timer of this.respawnTimers.values()) clearTimeout(timer);
    this.respawnTimers.clear();
    await Promise.all(
      this.workers.map(async (handle) => {
        if (!handle.alive) return;
        const exited = new Promise<void>((resolve) => handle.worker.once('exit', () => resolve()));
        handle.worker.send('close');
        const timer = setTimeout(() => handle.worker.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}
