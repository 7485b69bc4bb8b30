// Picks the media engine from config: worker threads (one per core by default) or, with 0, the
// in-process engine.
import { availableParallelism } from 'node:os';
import { LocalMediaEngine } from './LocalMediaEngine.js';
import { WorkerMediaEngine } from './WorkerMediaEngine.js';
import type { MediaEngine, MediaEngineOptions } from './types.js';

export async function createMediaEngine(options: MediaEngineOptions, workers: number | 'auto', placement: { roomCapacity: number } = { roomCapacity: 0 }): Promise<MediaEngine> {
  const count = workers === 'auto' ? availableParallelism() : workers;
  if (count === 0) return new LocalMediaEngine(options);
  return WorkerMediaEngine.start(options, count, placement);
}
