// deploy/grafana/roomkit-dashboard.json and deploy/prometheus/prometheus.yml checked against a live
// server (media in process, no Prometheus needed): every panel queries only metric names a real
// scrape declares, panels are well formed, and promtool accepts the scrape config's syntax.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { dashboardQueries, exportedNames, metricNamesIn, prometheusConfigPath, readDashboard } from './helpers/grafanaDashboard.js';

let server: TestServer | undefined;

beforeAll(async () => {
  server = await startTestServer({ mediaWorkers: 0 });
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

describe('the Grafana dashboard', () => {
  it('queries only metrics a live /metrics scrape declares, every panel with at least one query on the one Prometheus input', async () => {
    const res = await fetch(`${server!.url}/metrics`);
    expect(res.status).toBe(200);
    const exported = exportedNames(await res.text());
    const dashboard = readDashboard();
    expect(dashboard.uid).toBe('roomkit-overview');
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      expect(panel.datasource?.uid, panel.title).toBe('${DS_PROMETHEUS}');
    }
    const queries = dashboardQueries(dashboard);
    for (const { title, expr } of queries) {
      const names = metricNamesIn(expr);
      expect(names.length, `${title}: ${expr}`).toBeGreaterThan(0);
      for (const name of names) expect(exported.has(name), `${title}: ${name} is not exported by the server`).toBe(true);
    }
    // What the issue asks the dashboard to show.
    const all = queries.map((q) => q.expr).join('\n');
    for (const name of ['roomkit_rooms', 'roomkit_participants', 'roomkit_media_packets_out_total', 'roomkit_join_latency_seconds_bucket', 'roomkit_time_to_first_media_seconds_bucket', 'roomkit_webhook_delivery_delay_seconds_bucket', 'roomkit_egress_job_duration_seconds', 'roomkit_errors_total', 'nodejs_eventloop_lag_p99_seconds', 'process_resident_memory_bytes', 'process_cpu_seconds_total']) {
      expect(all, name).toContain(name);
    }
  });

  it.skipIf(!existsSync('/usr/bin/promtool'))('deploy/prometheus/prometheus.yml passes promtool check config --syntax-only', () => {
    const out = execFileSync('/usr/bin/promtool', ['check', 'config', '--syntax-only', prometheusConfigPath], { encoding: 'utf8' });
    expect(out).toMatch(/SUCCESS/);
  });
});
