// GET /metrics as an operator charts it: the server (2 media workers, metrics on their own port
// behind a bearer token) scraped every second by Debian's real `prometheus`, series read back
// through Prometheus's HTTP API after a two-participant call, a bad REST call and a bad signaling
// message; a media worker that dies leaves the scrape; and every panel of the Grafana dashboard in
// deploy/ is valid PromQL over metrics this server exports.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_API_KEY, DEV_API_SECRET } from '../src/config/defaults.js';
import { generateToken } from '../src/auth/AccessToken.js';
import type { WorkerMediaEngine } from '../src/media/WorkerMediaEngine.js';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { NodeParticipants, sleep } from './helpers/nodeParticipants.js';
import { startPrometheus, type PrometheusServer } from './helpers/prometheusServer.js';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhookReceiver.js';
import { connectWs } from './helpers/wsClient.js';
import { dashboardQueries, exportedNames, metricNamesIn, readDashboard, withoutGrafanaVariables } from './helpers/grafanaDashboard.js';

const TOKEN = 'test-metrics-token-0123456789abcdef';
// The operator's backend token (REST egress calls need the crawler role).
const OPERATOR = generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join', 'allow_mod'], roles: ['crawler'] });

let server: TestServer | undefined;
let prometheus: PrometheusServer | undefined;
let receiver: WebhookReceiver | undefined;
const participants = new NodeParticipants(() => server!.url);

const scrape = (token = TOKEN) => fetch(`${server!.server.metricsUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });
const value = (r: Array<{ value: [number, string] }>) => (r.length ? Number(r[0]!.value[1]) : NaN);
const workersIn = (r: Array<{ metric: Record<string, string> }>) => r.map((s) => s.metric.worker).sort();

describe('/metrics scraped by a real Prometheus', () => {
  beforeAll(async () => {
    receiver = await startWebhookReceiver(DEV_API_SECRET);
    server = await startTestServer({ mediaWorkers: 2, metricsPort: 0, metricsToken: TOKEN, webhookUrl: receiver.url });
    prometheus = await startPrometheus([{ job: 'roomkit', target: new URL(server.server.metricsUrl!).host, bearerToken: TOKEN }]);
  }, 120_000);

  afterAll(async () => {
    try {
      await participants.leaveAll();
    } finally {
      try {
        await prometheus?.stop();
      } finally {
        try {
          await server?.stop();
        } finally {
          await receiver?.close();
        }
      }
    }
  }, 60_000);

  it('the metrics port answers only its bearer token (401 in the API error shape otherwise); the main port no longer serves /metrics', async () => {
    expect(server!.server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ok = await scrape();
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await ok.text()).toContain('roomkit_media_workers 2');
    for (const headers of [{}, { authorization: 'Bearer garbage' }, { authorization: `Basic ${TOKEN}` }] as Array<Record<string, string>>) {
      const res = await fetch(`${server!.server.metricsUrl}/metrics`, { headers });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ statusCode: 401, error: { code: 4025, message: expect.any(String) } });
    }
    expect((await fetch(`${server!.server.metricsUrl}/v2/rooms`)).status).toBe(404);
    expect((await fetch(`${server!.url}/metrics`)).status).toBe(404);
    const up = await prometheus!.until('up{job="roomkit"}', (r) => value(r) === 1);
    expect(value(up), prometheus!.log()).toBe(1);
  }, 60_000);

  it('after a two-participant call, a bad REST call and a bad signaling message, Prometheus has the histograms, error counts, webhook delays and every process\'s runtime metrics', async () => {
    const room = `metrics-${Date.now()}`;
    await participants.join(room, 'Ada', true);
    await participants.join(room, 'Bo', true);
    const refused = await fetch(`${server!.url}/v2/rooms`);
    expect(refused.status).toBe(401);
    const restCode = ((await refused.json()) as { error: { code: number } }).error.code;
    const ws = await connectWs(server!.url);
    try {
      ws.sendRaw('this is not JSON');
      expect((await ws.waitFor((m) => m.t === 'error')).error.code).toBe(3073);
    } finally {
      await ws.close();
    }

    const atLeast = (n: number) => (r: Array<{ value: [number, string] }>) => value(r) >= n;
    expect(value(await prometheus!.until('roomkit_join_latency_seconds_count', atLeast(2)))).toBeGreaterThanOrEqual(2);
    expect(value(await prometheus!.until('roomkit_time_to_first_media_seconds_count', atLeast(2)))).toBeGreaterThanOrEqual(2);
    expect(value(await prometheus!.until('roomkit_participants', (r) => value(r) === 2))).toBe(2);
    expect(value(await prometheus!.until('roomkit_rooms', (r) => value(r) === 1))).toBe(1);
    expect(value(await prometheus!.until(`roomkit_errors_total{source="http",code="${restCode}"}`, atLeast(1)))).toBeGreaterThanOrEqual(1);
    expect(value(await prometheus!.until('roomkit_errors_total{source="signaling",code="3073"}', atLeast(1)))).toBeGreaterThanOrEqual(1);
    expect(value(await prometheus!.until('sum(roomkit_webhook_deliveries_total{outcome="delivered"})', atLeast(1)))).toBeGreaterThanOrEqual(1);
    expect(value(await prometheus!.until('roomkit_webhook_delivery_delay_seconds_count', atLeast(1)))).toBeGreaterThanOrEqual(1);
    // Media flows through the SFU: forwarded packets grow between scrapes.
    expect(value(await prometheus!.until('sum(increase(roomkit_media_packets_out_total[10s]))', (r) => value(r) > 0))).toBeGreaterThan(0);
    // The p50 the dashboard draws is a number of seconds.
    const p50 = value(await prometheus!.query('histogram_quantile(0.5, sum by (le) (rate(roomkit_join_latency_seconds_bucket[1m])))'));
    expect(p50).toBeGreaterThan(0);

    // Runtime metrics of the server process (worker="main") and of each media worker.
    for (const name of ['process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_heap_size_used_bytes', 'process_cpu_seconds_total', 'nodejs_active_handles_total']) {
      const r = await prometheus!.until(name, (x) => x.length === 3);
      expect(workersIn(r), name).toEqual(['0', '1', 'main']);
    }
    const rss = await prometheus!.query('process_resident_memory_bytes');
    for (const s of rss) expect(Number(s.value[1]), `rss of ${s.metric.worker}`).toBeGreaterThan(10 * 1024 * 1024);
    const gc = await prometheus!.until('nodejs_gc_duration_seconds_count', (x) => new Set(workersIn(x)).size === 3);
    expect(new Set(workersIn(gc))).toEqual(new Set(['0', '1', 'main']));
  }, 180_000);

  it('a track recording that ran and stopped counts in the egress duration histogram by kind and outcome', async () => {
    const meeting = (await participants.join(`metrics-rec-${Date.now()}`, 'Cy', true));
    const roomId = meeting.id;
    const participantId = meeting.localParticipant.id;
    const rest = async (path: string, body: unknown) => {
      const res = await fetch(`${server!.url}${path}`, { method: 'POST', headers: { authorization: OPERATOR, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as any };
    };
    let started = await rest('/v2/recordings/participant/track/start', { roomId, participantId, kind: 'audio' });
    // The mic's transport may not be published the very moment join() resolves.
    for (let i = 0; started.status !== 200 && /does not publish/.test(started.body.error?.message ?? '') && i < 50; i++) {
      await sleep(200);
      started = await rest('/v2/recordings/participant/track/start', { roomId, participantId, kind: 'audio' });
    }
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const recordingStarted = () => receiver!.requests.some((r) => r.json?.webhookType === 'recording-started' && r.json?.data?.participantId === participantId);
    for (const end = Date.now() + 30_000; !recordingStarted() && Date.now() < end; ) await sleep(200);
    expect(recordingStarted()).toBe(true);
    await sleep(2000);
    const stopped = await rest('/v2/recordings/participant/track/stop', { roomId, participantId, kind: 'audio' });
    expect(stopped.status, JSON.stringify(stopped.body)).toBe(200);
    const count = await prometheus!.until('roomkit_egress_job_duration_seconds_count{kind="participant",outcome="stopped"}', (r) => value(r) >= 1);
    expect(value(count)).toBe(1);
    // Media reached the file: the job lasted (a zero would mean it never started).
    expect(value(await prometheus!.query('roomkit_egress_job_duration_seconds_sum{kind="participant"}'))).toBeGreaterThan(1);
  }, 120_000);

  it('every Grafana dashboard panel is valid PromQL over metrics this server exports, and the main panels have data', async () => {
    const exported = exportedNames(await (await scrape()).text());
    const exprs = dashboardQueries(readDashboard());
    for (const { title, expr } of exprs) {
      for (const name of metricNamesIn(expr)) expect(exported.has(name), `${title}: ${name} is not exported`).toBe(true);
      // Prometheus parses and evaluates it (a bad expression fails the query).
      await prometheus!.query(withoutGrafanaVariables(expr));
    }
    for (const title of ['Join latency', 'Time to first media', 'Forwarded packets/s', 'Event-loop lag p99', 'CPU', 'Resident memory', 'Errors sent to clients by code']) {
      const panel = exprs.find((e) => e.title === title);
      expect(panel, title).toBeDefined();
      const r = await prometheus!.until(withoutGrafanaVariables(panel!.expr), (x) => x.some((s) => Number.isFinite(Number(s.value[1]))), 20_000);
      expect(r.length, `${title} has no data`).toBeGreaterThan(0);
    }
  }, 120_000);

  it('a media worker that dies leaves the scrape with its series; once respawned it is back', async () => {
    const engine = server!.server.media as WorkerMediaEngine;
    engine.failRespawnsForTest = true;
    try {
      await engine.crashWorker(1);
      const text = await (await scrape()).text();
      expect(text).toContain('process_resident_memory_bytes{worker="0"}');
      expect(text).toContain('process_resident_memory_bytes{worker="main"}');
      expect(text).not.toContain('worker="1"');
      const r = await prometheus!.until('process_resident_memory_bytes', (x) => x.length === 2, 20_000);
      expect(workersIn(r)).toEqual(['0', 'main']);
    } finally {
      engine.failRespawnsForTest = false;
    }
    let back = false;
    for (const end = Date.now() + 60_000; !back && Date.now() < end; await sleep(500)) {
      back = (await (await scrape()).text()).includes('process_resident_memory_bytes{worker="1"}');
    }
    expect(back).toBe(true);
  }, 120_000);
});
