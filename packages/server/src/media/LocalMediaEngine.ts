// The in-process MediaEngine: commands and events cross the same message boundary a worker-thread
// engine will use (plain objects, asynchronous delivery), without a thread hop.
import { MediaWorkerCore } from './MediaWorkerCore.js';
import type { MediaCommand, MediaCommandOf, MediaEngine, MediaEngineOptions, MediaEvent, MediaResults } from './types.js';

export class LocalMediaEngine implements MediaEngine {
  private readonly core: MediaWorkerCore;
  private readonly listeners: Array<(event: MediaEvent) => void> = [];
  private closed = false;

  constructor(options: MediaEngineOptions) {
    this.core = new MediaWorkerCore(options, (event) => {
      // Deliver asynchronously, as a worker would, so no caller relies on re-entrancy.
      queueMicrotask(() => {
        for (const listener of this.listeners) listener(event);
      });
    });
  }

  async request<Op extends MediaCommand['op']>(command: MediaCommandOf<Op>): Promise<MediaResults[Op]> {
    if (this.closed) throw new Error('media engine is closed');
    return (await this.core.handle(command)) as unknown as MediaResults[Op];
  }

  onEvent(listener: (event: MediaEvent) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.core.close();
  }
}
