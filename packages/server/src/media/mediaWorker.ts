// Body of a media worker thread: one MediaWorkerCore owning its PeerConnections on its own UDP
// port, driven by messages from WorkerMediaEngine on the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { MediaWorkerCore } from './MediaWorkerCore.js';
import { MediaError } from './errors.js';
import type { MediaCommand, MediaEngineOptions } from './types.js';

export interface WorkerRequest {
  id: number;
  command: MediaCommand;
}

export type WorkerMessage =
  | { kind: 'ready' }
  | { kind: 'reply'; id: number; ok: true; result: unknown }
  | { kind: 'reply'; id: number; ok: false; reason: MediaError['reason']; message: string }
  | { kind: 'event'; event: unknown };

const port = parentPort!;
const options = workerData as MediaEngineOptions;
const core = new MediaWorkerCore(options, (event) => port.postMessage({ kind: 'event', event } satisfies WorkerMessage));

port.on('message', (request: WorkerRequest | 'close') => {
  if (request === 'close') {
    core.close();
    port.close();
    return;
  }
  core.handle(request.command).then(
    (result) => port.postMessage({ kind: 'reply', id: request.id, ok: true, result } satisfies WorkerMessage),
    (err: unknown) =>
      port.postMessage({
        kind: 'reply',
        id: request.id,
        ok: false,
        reason: err instanceof MediaError ? err.reason : 'internal',
        message: err instanceof Error ? err.message : String(err),
      } satisfies WorkerMessage),
  );
});
port.postMessage({ kind: 'ready' } satisfies WorkerMessage);
