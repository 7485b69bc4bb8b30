// The Grafana dashboard in deploy/ as tests read it: its panels' PromQL, the metric names each
// names, and the metric names a /metrics exposition declares.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const dashboardPath = fileURLToPath(new URL('../../../../deploy/grafana/roomkit-dashboard.json', import.meta.url));
export const prometheusConfigPath = fileURLToPath(new URL('../../../../deploy/prometheus/prometheus.yml', import.meta.url));

export interface Dashboard {
  uid: string;
  panels: Array<{ id: number; type: string; title: string; datasource?: { uid: string }; targets?: Array<{ expr: string; refId: string }> }>;
}

export const readDashboard = (): Dashboard => JSON.parse(readFileSync(dashboardPath, 'utf8')) as Dashboard;

/** Every query of every panel (rows have none). */
export const dashboardQueries = (d: Dashboard) => d.panels.filter((p) => p.type !== 'row').flatMap((p) => (p.targets ?? []).map((t) => ({ title: p.title, expr: t.expr })));

/** Metric names a query reads (ours, prom-client's process_/nodejs_ ones). */
export const metricNamesIn = (expr: string) => [...expr.matchAll(/\b(?:roomkit|process|nodejs)_[a-z0-9_]+/g)].map((m) => m[0]);

/** Names an exposition declares (# TYPE), with a histogram's _bucket/_sum/_count series. */
export function exportedNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const m of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(m[1]!);
    if (m[2] === 'histogram' || m[2] === 'summary') for (const s of ['_bucket', '_sum', '_count']) names.add(m[1]! + s);
  }
  return names;
}

/** For Prometheus itself: Grafana's interval variable replaced by a fixed window. */
export const withoutGrafanaVariables = (expr: string) => expr.replaceAll('$__rate_interval', '10s');
