// meeting.pubSub: topic messages between participants, optionally persisted for the session.
import type { PubSubMessage } from '@roomkit/protocol';
import { RoomkitError } from './protocolRuntime.js';
import type { SignalingClient } from './SignalingClient.js';
import type { Logger } from './Logger.js';

export type { PubSubMessage };
export type PubSubCallback = (message: PubSubMessage) => void;

export interface PubSubPublishOptions {
  /** Keep the message for the session, so later subscribers receive it from subscribe(). */
  persist?: boolean;
  /** Deliver only to these participant ids. */
  sendOnly?: string[];
}

export class PubSub {
  private readonly callbacks = new Map<string, Set<PubSubCallback>>();

  constructor(
    private readonly signaling: () => SignalingClient | null,
    private readonly log: Logger,
  ) {}

  async publish(topic: string, message: string, options: PubSubPublishOptions = {}, payload?: unknown): Promise<void> {
    const signaling = this.connected('publish');
    await signaling.request({
      t: 'pubsubPublish',
      topic,
      message,
      ...(options.persist !== undefined && { persist: options.persist }),
      ...(options.sendOnly !== undefined && { sendOnly: options.sendOnly }),
      ...(payload !== undefined && { payload }),
    });
  }

  /**
   * Calls `callback` for each new message on `topic`; resolves with the topic's persisted messages.
   * Every call asks the server (subscribing is idempotent there), so each caller gets a fresh list.
   */
  async subscribe(topic: string, callback: PubSubCallback): Promise<PubSubMessage[]> {
    const signaling = this.connected('subscribe');
    // Registered before the request so a message arriving while it is in flight is not missed.
    let set = this.callbacks.get(topic);
    if (!set) {
      set = new Set();
      this.callbacks.set(topic, set);
    }
    set.add(callback);
    const { messages } = await signaling.request({ t: 'pubsubSubscribe', topic });
    return messages;
  }

  /** Stops calling `callback` for `topic` (the protocol has no server-side unsubscribe). */
  unsubscribe(topic: string, callback: PubSubCallback): void {
    const set = this.callbacks.get(topic);
    set?.delete(callback);
    if (set?.size === 0) this.callbacks.delete(topic);
  }

  /** @internal Delivers a server `pubsubMessage` to its topic's callbacks. */
  _deliver(message: PubSubMessage): void {
    const set = this.callbacks.get(message.topic);
    if (!set) return;
    for (const cb of [...set]) {
      try {
        cb(message);
      } catch (err) {
        this.log.warn(`a pubSub callback for '${message.topic}' threw:`, err);
      }
    }
  }

  /** @internal Drops every callback (the meeting ended). */
  _clear(): void {
    this.callbacks.clear();
  }

  private connected(action: string): SignalingClient {
    const signaling = this.signaling();
    if (!signaling?.isOpen) {
      throw new RoomkitError('ERROR_ACTION_PERFORMED_BEFORE_MEETING_JOINED', `pubSub.${action}() needs a joined meeting`);
    }
    return signaling;
  }
}
