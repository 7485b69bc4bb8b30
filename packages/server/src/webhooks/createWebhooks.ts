// Assembles the webhooks feature for the server: the outbox on the store's database, the
// dispatcher signing with the API secret, and the hooks that feed it from the rooms layer.
import type { Config } from '../config/schema.js';
import type { RoomDirectory } from '../rooms/hooks.js';
import type { Store } from '../store/Store.js';
import { OutboundPolicy } from './OutboundPolicy.js';
import { RoomWebhookCache } from './RoomWebhookCache.js';
import { SqliteWebhookOutbox, type SqliteDatabase } from './SqliteWebhookOutbox.js';
import { WebhookDispatcher, type WebhookDispatcherOptions } from './WebhookDispatcher.js';
import { WebhookSessionObserver } from './WebhookSessionObserver.js';
import type { WebhookOutbox } from './types.js';

/** Dispatcher tuning a caller (tests, embedding) may override; the rest comes from config. */
export type WebhookTuning = Omit<WebhookDispatcherOptions, 'outbox' | 'secret' | 'outbound'>;

export interface Webhooks {
  dispatcher: WebhookDispatcher;
  observer: WebhookSessionObserver;
  /** What participants may make the server connect to (webhooks here, RTMP in egress). */
  outbound: OutboundPolicy;
  /** The outbox's read side (operator dashboard). */
  deliveries: Pick<WebhookOutbox, 'list'>;
  /** Re-reads a room's subscription (before events about a room nobody joined in this run). */
  refreshRoom(roomId: string): Promise<void>;
  /** Wraps the store's directory so each join refreshes the room's subscription. */
  directory(inner: RoomDirectory): RoomDirectory;
  start(): void;
  /** Stops delivering; call before the store closes. */
  stop(): Promise<void>;
}

export function createWebhooks(
  config: Pick<Config, 'apiSecret' | 'webhookUrl' | 'outboundAllowCidrs'>,
  store: Pick<Store, 'getRoom'> & { database: SqliteDatabase },
  tuning: WebhookTuning = {},
): Webhooks {
  const outbound = new OutboundPolicy(config.outboundAllowCidrs ?? []);
  const outbox = new SqliteWebhookOutbox(store.database);
  const dispatcher = new WebhookDispatcher({ ...tuning, outbox, secret: config.apiSecret, outbound });
  const subscriptions = new RoomWebhookCache(async (roomId) => (await store.getRoom(roomId))?.webhook ?? null);
  const observer = new WebhookSessionObserver({ queue: dispatcher, subscriptions, globalUrl: config.webhookUrl });
  return {
    dispatcher,
    observer,
    outbound,
    deliveries: outbox,
    directory: (inner) => subscriptions.wrap(inner),
    refreshRoom: (roomId) => subscriptions.refresh(roomId),
    start: () => dispatcher.start(),
    stop: () => dispatcher.stop(),
  };
}
