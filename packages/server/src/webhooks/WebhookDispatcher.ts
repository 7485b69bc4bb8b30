// Delivers the outbox: a timer loop that POSTs each (room, url) queue's head, signed, one at a time
// per queue (so order is kept) and several queues at once, retrying with exponential backoff until
// the receiver answers 2xx or the delivery is older than the retry window.
import { randomUUID } from 'node:crypto';
import { logger } from '../logger.js';
import { webhookDelay, webhookDeliveries } from '../metrics/appMetrics.js';
import { guardedPost } from './guardedPost.js';
import { OutboundPolicy } from './OutboundPolicy.js';
import { SIGNATURE_HEADER, WEBHOOK_ID_HEADER, signWebhook } from './signature.js';
import { queueKey, type OutboxDelivery, type WebhookOutbox } from './types.js';

export interface WebhookDispatcherOptions {
  outbox: WebhookOutbox;
  /** The API secret: the HMAC key. */
  secret: string;
  /** First retry delay; doubles per failed attempt. Default 1 s. */
  backoffBaseMs?: number;
  /** Longest retry delay. Default 10 min. */
  backoffCapMs?: number;
  /** A delivery still failing this long after it was enqueued is abandoned. Default 24 h. */
  maxRetryAgeMs?: number;
  /** Queues delivered in parallel. Default 8. */
  concurrency?: number;
  /** Per-request timeout. Default 10 s. */
  requestTimeoutMs?: number;
  /** How often due retries are looked for. Default 1 s. */
  pollIntervalMs?: number;
  /** On stop, how long in-flight requests may finish before they are aborted. Default 2 s. */
  stopGraceMs?: number;
  /** Delivered and abandoned rows are deleted after this. Default 7 days. */
  retentionMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
  /**
   * Checks deliveries enqueued as `guarded` (URLs a participant gave) at connect time, on every
   * attempt. Default: nothing allowed beyond public addresses.
   */
  outbound?: OutboundPolicy;
}

const HOUR = 3_600_000;

export class WebhookDispatcher {
  private readonly outbox: WebhookOutbox;
  private readonly secret: string;
  private readonly base: number;
  private readonly cap: number;
  private readonly maxAge: number;
  private readonly concurrency: number;
  private readonly timeoutMs: number;
  private readonly pollMs: number;
  private readonly graceMs: number;
  private readonly retentionMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  private readonly outbound: OutboundPolicy;
  private readonly log = logger('webhooks:Dispatcher');

  /** In-flight deliveries by queue key. */
  private readonly inFlight = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private started = false;
  /** The running tick, if any: ticks never overlap, so a queue head is never handed out twice. */
  private ticking: Promise<void> | null = null;
  private tickAgain = false;
  private stopped = false;
  private lastPrune = 0;

  constructor(opts: WebhookDispatcherOptions) {
    this.outbox = opts.outbox;
    this.secret = opts.secret;
    this.base = opts.backoffBaseMs ?? 1000;
    this.cap = opts.backoffCapMs ?? 10 * 60_000;
    this.maxAge = opts.maxRetryAgeMs ?? 24 * HOUR;
    this.concurrency = opts.concurrency ?? 8;
    this.timeoutMs = opts.requestTimeoutMs ?? 10_000;
    this.pollMs = opts.pollIntervalMs ?? 1000;
    this.graceMs = opts.stopGraceMs ?? 2000;
    this.retentionMs = opts.retentionMs ?? 7 * 24 * HOUR;
    this.fetchImpl = opts.fetch ?? fetch;
    this.now = opts.now ?? Date.now;
    this.outbound = opts.outbound ?? new OutboundPolicy();
  }

  /** Starts delivering, including whatever a previous run left pending. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.schedule(0);
  }

  /**
   * Adds a delivery to the outbox (one synchronous insert) and nudges the loop. Returns its id.
   * Safe on the signaling path: never waits on the network.
   */
  enqueue(roomId: string, url: string, body: string, guarded = false): string {
    const id = randomUUID();
    this.outbox.enqueue({ id, roomId, url, body, createdAt: this.now(), guarded });
    if (this.started) this.schedule(0);
    return id;
  }

  /** Delay before the retry that follows failed attempt number `attempt` (1-based). */
  backoff(attempt: number): number {
    return Math.min(this.cap, this.base * 2 ** Math.min(attempt - 1, 40));
  }

  /** Stops the loop; in-flight requests get a short grace, then are aborted and stay pending. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking;
    const pending = () => Promise.allSettled([...this.inFlight.values()].map((f) => f.done));
    if (this.inFlight.size > 0) {
      let graceTimer: NodeJS.Timeout | undefined;
      await Promise.race([pending(), new Promise((resolve) => (graceTimer = setTimeout(resolve, this.graceMs)))]);
      clearTimeout(graceTimer);
      for (const flight of this.inFlight.values()) flight.abort.abort(new Error('the server is shutting down'));
      await pending();
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    const at = this.now() + delayMs;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.tick(), delayMs);
    this.timer.unref();
  }

  private tick(): void {
    this.timer = null;
    this.timerAt = Infinity;
    if (this.stopped) return;
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    this.ticking = this.runTick().finally(() => {
      this.ticking = null;
      if (this.tickAgain) {
        this.tickAgain = false;
        this.schedule(0);
      } else {
        this.schedule(this.pollMs);
      }
    });
  }

  private async runTick(): Promise<void> {
    const now = this.now();
    try {
      const free = this.concurrency - this.inFlight.size;
      const heads = free > 0 ? await this.outbox.dueHeads(now, free, new Set(this.inFlight.keys())) : [];
      for (const delivery of heads) if (!this.stopped) this.deliver(delivery);
      if (now - this.lastPrune > HOUR && !this.stopped) {
        this.lastPrune = now;
        const removed = await this.outbox.prune(now - this.retentionMs);
        if (removed > 0) this.log.debug({ removed }, 'pruned finished webhook deliveries');
      }
    } catch (err) {
      this.log.error({ err }, 'webhook outbox unavailable; retrying');
    }
  }

  private deliver(delivery: OutboxDelivery): void {
    const key = queueKey(delivery);
    const abort = new AbortController();
    const done = this.attempt(delivery, abort.signal).finally(() => {
      this.inFlight.delete(key);
      this.schedule(0); // the queue's next delivery may go now
    });
    this.inFlight.set(key, { abort, done });
  }

  private async attempt(delivery: OutboxDelivery, shutdown: AbortSignal): Promise<void> {
    const attempt = delivery.attempts + 1;
    let error: string | null = null;
    const headers = {
      'Content-Type': 'application/json',
      'User-Agent': 'Roomkit-Webhooks/1',
      [SIGNATURE_HEADER]: signWebhook(delivery.body, this.secret, Math.floor(this.now() / 1000)),
      [WEBHOOK_ID_HEADER]: delivery.id,
    };
    const signal = AbortSignal.any([shutdown, AbortSignal.timeout(this.timeoutMs)]);
    try {
      let status: number;
      if (delivery.guarded) {
        status = await guardedPost(this.outbound, delivery.url, { headers, body: delivery.body, signal });
      } else {
        const res = await this.fetchImpl(delivery.url, { method: 'POST', headers, body: delivery.body, redirect: 'manual', signal });
        await res.body?.cancel().catch(() => {});
        status = res.status;
      }
      if (status < 200 || status > 299) error = `HTTP ${status}`;
    } catch (err) {
      error = describeFetchError(err);
    }
    // Aborted by stop(): not the receiver's fault; leave it pending for the next run as it was.
    if (shutdown.aborted) return;
    try {
      await this.record(delivery, attempt, error);
    } catch (err) {
      this.log.error({ err, deliveryId: delivery.id }, 'could not record a webhook delivery result');
    }
  }

  private async record(delivery: OutboxDelivery, attempt: number, error: string | null): Promise<void> {
    const now = this.now();
    const ctx = { deliveryId: delivery.id, roomId: delivery.roomId, url: delivery.url, attempt };
    if (error === null) {
      await this.outbox.markDelivered(delivery.id, attempt);
      webhookDeliveries.inc({ outcome: 'delivered' });
      webhookDelay.observe(Math.max(0, now - delivery.createdAt) / 1000);
      this.log.debug(ctx, 'webhook delivered');
    } else if (now - delivery.createdAt >= this.maxAge) {
      await this.outbox.markFailed(delivery.id, attempt, error);
      webhookDeliveries.inc({ outcome: 'abandoned' });
      this.log.error({ ...ctx, error }, 'webhook abandoned: the receiver kept failing for the whole retry window');
    } else {
      const delay = this.backoff(attempt);
      await this.outbox.markRetry(delivery.id, attempt, now + delay, error);
      webhookDeliveries.inc({ outcome: 'retry' });
      // A receiver down for hours fails ~150 times per queue: say so on the first and every 10th.
      const level = attempt === 1 || attempt % 10 === 0 ? 'warn' : 'debug';
      this.log[level]({ ...ctx, error, retryInMs: delay }, 'webhook delivery failed; will retry');
    }
  }
}

function describeFetchError(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError') return 'timed out';
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? err.message;
  }
  return String(err);
}
