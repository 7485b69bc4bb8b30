// Rooms' webhook subscriptions, held in memory for the synchronous observer path. The store is
// asynchronous, so each join refreshes its room's entry (through the wrapped RoomDirectory) before
// the room reports anything about that join.
import type { RoomDirectory } from '../rooms/hooks.js';
import { logger } from '../logger.js';
import type { WebhookSubscription } from './types.js';
import type { WebhookSubscriptions } from './WebhookSessionObserver.js';

export type WebhookLookup = (roomId: string) => Promise<WebhookSubscription | null | undefined>;

export class RoomWebhookCache implements WebhookSubscriptions {
  private readonly byRoom = new Map<string, WebhookSubscription | null>();
  private readonly log = logger('webhooks:RoomWebhookCache');

  constructor(
    private readonly lookup: WebhookLookup,
    private readonly maxRooms = 10_000,
  ) {}

  roomWebhook(roomId: string): WebhookSubscription | null {
    return this.byRoom.get(roomId) ?? null;
  }

  /** Re-reads one room's subscription; on a lookup error the previous value stays. */
  async refresh(roomId: string): Promise<void> {
    try {
      const sub = (await this.lookup(roomId)) ?? null;
      this.byRoom.delete(roomId);
      this.byRoom.set(roomId, sub);
      // Least recently joined rooms go first; a live room was refreshed when its people joined.
      while (this.byRoom.size > this.maxRooms) this.byRoom.delete(this.byRoom.keys().next().value as string);
    } catch (err) {
      this.log.error({ err, roomId }, 'could not read the room webhook subscription');
    }
  }

  /** A RoomDirectory that refreshes the room's subscription on every join it allows. */
  wrap(directory: RoomDirectory): RoomDirectory {
    return {
      roomForJoin: async (roomId, create) => {
        const settings = await directory.roomForJoin(roomId, create);
        if (settings && !settings.disabled) await this.refresh(roomId);
        return settings;
      },
    };
  }
}
