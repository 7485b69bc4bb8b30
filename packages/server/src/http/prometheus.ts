// What GET /metrics answers: the server's families (serverMetrics.ts), the registry of this process
// (metrics/appMetrics.ts) and each media worker's runtime metrics, merged into one prom-client
// registry and written in the Prometheus text format (0.0.4) by prom-client.
import { AggregatorRegistry, type Registry } from 'prom-client';

export interface MetricFamily {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  samples: Array<{ labels?: Record<string, string | number>; value: number }>;
}

type MetricJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>[number];

/** Our hand-collected families in prom-client's JSON form. */
export function familiesToJson(families: MetricFamily[]): MetricJson[] {
  return families.map((f) => ({
    name: f.name,
    help: f.help,
    type: f.type,
    aggregator: 'sum',
    values: f.samples.map((s) => ({ labels: s.labels ?? {}, value: Number.isFinite(s.value) ? s.value : 0 })),
  })) as unknown as MetricJson[];
}

/** One media worker's metrics with `worker="<index>"` on every series. */
export function labelWorker(metrics: MetricJson[], worker: number | string): MetricJson[] {
  return metrics.map((m) => ({ ...m, values: m.values.map((v) => ({ ...v, labels: { ...v.labels, worker } })) }));
}

/**
 * Merges metric sets whose series are told apart by their labels (worker="main", "0", …) into one
 * registry's text. Every family is summed per series, which leaves each series as it is: prom-client's
 * own defaults ("first", "omit" for some runtime gauges) are meant for identical cluster workers
 * and would keep only one worker's value.
 */
export async function mergeMetrics(sets: MetricJson[][]): Promise<{ contentType: string; text: string }> {
  const registry = AggregatorRegistry.aggregate(sets.map((set) => set.map((m) => ({ ...m, aggregator: 'sum' }))));
  return { contentType: registry.contentType, text: await registry.metrics() };
}
