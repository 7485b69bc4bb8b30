// A media worker process's Node runtime metrics (event-loop lag, GC, heap, CPU, RSS, handles), from
// prom-client's default collectors in the worker's own registry. The main process asks for them at
// scrape time over the worker's IPC channel and labels them worker="<index>" (serverMetrics.ts).
import { Registry, collectDefaultMetrics } from 'prom-client';

let registry: Registry | null = null;

/** Starts the collectors (event-loop delay histogram, GC observer) once; call in the worker only. */
export function startWorkerRuntimeMetrics(): void {
  if (registry) return;
  registry = new Registry();
  collectDefaultMetrics({ register: registry });
}

export type RuntimeMetrics = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

/** The worker's runtime metrics as prom-client JSON (what AggregatorRegistry.aggregate takes). */
export async function workerRuntimeMetrics(): Promise<RuntimeMetrics> {
  if (!registry) startWorkerRuntimeMetrics();
  return registry!.getMetricsAsJSON();
}
