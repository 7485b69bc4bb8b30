// The server process's own Prometheus registry (prom-client): Node's runtime metrics for this
// process, labelled worker="main", and the histograms and counters the layers record into. One per
// process, as mediaCounters is per media worker: several servers in one process (tests) share it.
// Nothing here runs per packet; each record is one array lookup and an add.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ErrorCode } from '@roomkit/protocol';

export const appRegistry = new Registry();
collectDefaultMetrics({ register: appRegistry, labels: { worker: 'main' } });

const KNOWN_CODES = new Set<number>(Object.values(ErrorCode));

/** Seconds, from a loopback join (tens of ms) to a slow one over a busy server (10 s and over). */
const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const joinLatency = new Histogram({
  name: 'roomkit_join_latency_seconds',
  help: "Signaling 'join' request received to the joined response sent (token check, room and media setup), successful joins of participants allowed to join directly.",
  buckets: LATENCY_BUCKETS,
  registers: [appRegistry],
});

export const timeToFirstMedia = new Histogram({
  name: 'roomkit_time_to_first_media_seconds',
  help: 'A participant admitted to the room to the first RTP packet the server received from one of its published tracks (participants who publish).',
  buckets: [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 60],
  registers: [appRegistry],
});

export const webhookDelay = new Histogram({
  name: 'roomkit_webhook_delivery_delay_seconds',
  help: 'Webhook event created (put in the outbox) to its delivery answered 2xx, retries included.',
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600, 86400],
  registers: [appRegistry],
});

export const webhookDeliveries = new Counter({
  name: 'roomkit_webhook_deliveries_total',
  help: 'Webhook delivery attempts by outcome: delivered (2xx), retry (failed, will be retried), abandoned (failed past the retry window).',
  labelNames: ['outcome'] as const,
  registers: [appRegistry],
});

export const egressDuration = new Histogram({
  name: 'roomkit_egress_job_duration_seconds',
  help: 'Egress jobs that ended, from their first media to their end (0 when media never came), by kind (recording, livestream, hls, participant) and outcome (stopped, meeting-ended, shutdown, failed).',
  labelNames: ['kind', 'outcome'] as const,
  buckets: [1, 5, 15, 30, 60, 300, 900, 1800, 3600, 7200, 21600],
  registers: [appRegistry],
});

export const errorsSent = new Counter({
  name: 'roomkit_errors_total',
  help: 'Errors sent to clients by API code: HTTP error responses in the API error shape, REST /v2 and the other routes (source="http"), and signaling errors and failed responses (source="signaling").',
  labelNames: ['source', 'code'] as const,
  registers: [appRegistry],
});

/** Counts an error sent to a client; codes outside API.md's list (never expected) count as "other". */
export function countError(source: 'http' | 'signaling', code: unknown): void {
  errorsSent.inc({ source, code: typeof code === 'number' && KNOWN_CODES.has(code) ? String(code) : 'other' });
}
