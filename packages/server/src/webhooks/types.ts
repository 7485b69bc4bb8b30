// Shapes of the webhooks feature: event names, bodies, subscriptions, and the outbox seam.
import type { DeliveryState, WebhookEventType } from '@roomkit/protocol';

/** The event names are part of the REST contract (room subscriptions are checked against them). */
export { WEBHOOK_EVENTS, type WebhookEventType } from '@roomkit/protocol';

/** The POSTed JSON body (VideoSDK field names). */
export interface WebhookBody {
  webhookType: WebhookEventType;
  data: { meetingId: string; sessionId: string } & Record<string, unknown>;
}

/** A room's subscription, as given in `POST /v2/rooms` (`webhook`). */
export interface WebhookSubscription {
  endPoint: string;
  /** Exact event names or `*` patterns (`*`, `recording-*`). */
  events: readonly string[];
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One POST of one event to one URL, retried until delivered or abandoned. */
export interface OutboxDelivery {
  /** Sent as `Roomkit-Webhook-Id`; stable across retries. */
  id: string;
  roomId: string;
  url: string;
  /** The exact JSON that is signed and sent. */
  body: string;
  attempts: number;
  /** Epoch ms. */
  nextAttemptAt: number;
  status: DeliveryStatus;
  lastError: string | null;
  /** Epoch ms. */
  createdAt: number;
  /** The URL came from a participant: every attempt checks its address (OutboundPolicy). */
  guarded: boolean;
}

export type NewDelivery = Pick<OutboxDelivery, 'id' | 'roomId' | 'url' | 'body' | 'createdAt'> & { guarded?: boolean };

/**
 * Durable queue of deliveries. Deliveries of one (room, url) queue are handed out strictly in
 * enqueue order, one at a time. `enqueue` is synchronous because it runs on the signaling path and
 * must keep the order facts happened in (SQLite: one insert; a networked implementation would
 * append to a local journal and flush in order); the dispatcher's calls are asynchronous.
 */
export interface WebhookOutbox {
  /** One insert; must not block on the network. */
  enqueue(delivery: NewDelivery): void;
  /**
   * The oldest pending delivery of each (room, url) queue whose turn has come (`nextAttemptAt <= now`),
   * skipping queues in `busy` (keyed by `queueKey`), oldest first, at most `limit`.
   */
  dueHeads(now: number, limit: number, busy: ReadonlySet<string>): Promise<OutboxDelivery[]>;
  markDelivered(id: string, attempts: number): Promise<void>;
  markRetry(id: string, attempts: number, nextAttemptAt: number, error: string): Promise<void>;
  markFailed(id: string, attempts: number, error: string): Promise<void>;
  /** Deletes finished (delivered or failed) deliveries created before `before` (epoch ms). */
  prune(before: number): Promise<number>;
  get(id: string): Promise<OutboxDelivery | undefined>;
  /**
   * Newest first, for the operator dashboard: `pending` (never tried), `retrying` (pending after a
   * failed attempt), `delivered`, `abandoned` (status failed). The caller caps `perPage`.
   */
  list(filter: { state?: DeliveryState }, page: { page: number; perPage: number }): Promise<{ items: OutboxDelivery[]; total: number }>;
}

/** Deliveries to one URL about one room are kept in order; this names that queue. */
export function queueKey(delivery: Pick<OutboxDelivery, 'roomId' | 'url'>): string {
  return `${delivery.roomId}\u0000${delivery.url}`;
}
