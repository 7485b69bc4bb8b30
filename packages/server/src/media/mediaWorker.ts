// Body of a media worker process: one MediaWorkerCore owning its PeerConnections on its own UDP
// port, driven by messages from WorkerMediaEngine in the main process. (A process, not a thread:
// node-datachannel 0.33's callbacks abort V8 when the addon runs inside a worker_thread.)
import { MediaWorkerCore } from './MediaWorkerCore.js';
import { MediaError } from './errors.js';
import type { MediaCommand, MediaEngineOptions } from './types.js';
import type { PipeCommand } from './pipe/pipeTypes.js';
import { configureLogging } from '../logger.js';
import { startWorkerRuntimeMetrics, workerRuntimeMetrics } from './workerRuntimeMetrics.js';

export type WorkerRequest =
  | { id: number; command: MediaCommand | PipeCommand }
  /** This process's Node runtime metrics for /metrics (workerRuntimeMetrics.ts). */
  | { id: number; runtimeMetrics: true };

export type WorkerMessage =
  | { kind: 'ready'; pipePort: number }
  | { kind: 'reply'; id: number; ok: true; result: unknown }
  | { kind: 'reply'; id: number; ok: false; reason: MediaError['reason']; message: string }
  | { kind: 'event'; event: unknown }
  /** Every LOAD_REPORT_MS: CPU this process used (all threads) since the last report, in cores. */
  | { kind: 'load'; cpu: number };

const LOAD_REPORT_MS = 1000;

const send = (message: WorkerMessage) => process.send?.(message);
const options = JSON.parse(process.env.RK_MEDIA_WORKER_OPTIONS ?? '{}') as MediaEngineOptions;
if (options.logLevel) configureLogging(options.logLevel, options.logFormat);
startWorkerRuntimeMetrics();
const core = new MediaWorkerCore(options, (event) => send({ kind: 'event', event }));

// The parent went away (crash or kill -9): take our peers down with us.
process.on('disconnect', () => {
  core.close();
  process.exit(0);
});

process.on('message', (request: WorkerRequest | 'close') => {
  if (request === 'close') {
    core.close();
    process.disconnect?.();
    process.exit(0);
  }
  const work = 'runtimeMetrics' in request ? workerRuntimeMetrics() : core.handle(request.command);
  work.then(
    (result) => send({ kind: 'reply', id: request.id, ok: true, result }),
    (err: unknown) =>
      send({
        kind: 'reply',
        id: request.id,
        ok: false,
        reason: err instanceof MediaError ? err.reason : 'internal',
        message: err instanceof Error ? err.message : String(err),
      }),
  );
});
send({ kind: 'ready', pipePort: await core.listenPipe() });

// The main process spans a busy worker's rooms to others (SpanningRooms): tell it how busy we are.
let lastCpu = process.cpuUsage();
let lastAt = performance.now();
setInterval(() => {
  const used = process.cpuUsage(lastCpu);
  const now = performance.now();
  send({ kind: 'load', cpu: (used.user + used.system) / 1000 / Math.max(1, now - lastAt) });
  lastCpu = process.cpuUsage();
  lastAt = now;
}, LOAD_REPORT_MS).unref();
