// meeting.pubSub: topic messages between participants, optionally persisted for the session.
import type { PubSubMessage } from '@roomkit/protocol';
import { RoomkitError } from './protocolRuntime.js';
import type { SignalingClient } from './SignalingClient.js';
import type { Logger } from './Logger.js';
import { PubSubListener, checkListeners, checkSubscribeOptions } from './PubSubListener.js';
import type { PubSubListeners, PubSubSubscribeOptions } from './PubSubListener.js';

export type { PubSubMessage };
export type { PubSubListeners, PubSubSubscribeOptions };
export type PubSubCallback = (message: PubSubMessage) => void;

export interface PubSubPublishOptions {
  /** Keep the message for the session, so later subscribers receive it from subscribe(). */
  persist?: boolean;
  /** Deliver only to these participant ids. */
  sendOnly?: string[];
}

/** What subscribe() keeps per topic: the callbacks of the old form and the 1.1 listener objects. */
type Registration = PubSubCallback | PubSubListeners;

export class PubSub {
  private readonly topics = new Map<string, Map<Registration, PubSubListener | null>>();

  constructor(
    private readonly signaling: () => SignalingClient | null,
    private readonly log: Logger,
  ) {}

  async publish(topic: string, message: string, options: PubSubPublishOptions = {}, payload?: unknown): Promise<void> {
    const signaling = this.connected('publish');
    if (typeof message !== 'string') throw new RoomkitError('ERROR_INVALID_PARAMETER', 'pubSub.publish(): message must be a string');
    if (payload !== undefined && payload !== null && typeof payload !== 'object') throw new RoomkitError('ERROR_INVALID_PARAMETER', 'pubSub.publish(): payload must be an object');
    await signaling.request({
      t: 'pubsubPublish',
      topic,
      message,
      ...(options?.persist !== undefined && { persist: options.persist }),
      ...(options?.sendOnly !== undefined && { sendOnly: options.sendOnly }),
      ...(payload !== undefined && payload !== null && { payload }),
    });
  }

  /**
   * Two forms. VideoSDK 1.1's: `subscribe(topic, {onMessageReceived, onBatchReceived,
   * onOldMessagesReceived, onMessageDrop}, options?)` — the topic's persisted messages go to
   * onOldMessagesReceived. The older one: `subscribe(topic, callback)`, called for each new message.
   * Both resolve with the persisted messages (all of them, whatever oldMessageLimit says).
   * Every call asks the server (subscribing is idempotent there), so each caller gets a fresh list.
   */
  async subscribe(topic: string, listeners: PubSubCallback | PubSubListeners, options?: PubSubSubscribeOptions): Promise<PubSubMessage[]> {
    const signaling = this.connected('subscribe');
    let listener: PubSubListener | null = null;
    if (typeof listeners !== 'function') {
      checkListeners(listeners, 'subscribe');
      listener = new PubSubListener(listeners, checkSubscribeOptions(options), (name, err) => this.log.warn(`a pubSub ${name} for '${topic}' threw:`, err));
    }
    // Registered before the request so a message arriving while it is in flight is not missed.
    let registrations = this.topics.get(topic);
    if (!registrations) {
      registrations = new Map();
      this.topics.set(topic, registrations);
    }
    registrations.get(listeners)?.close();
    registrations.set(listeners, listener);
    const { messages } = await signaling.request({ t: 'pubsubSubscribe', topic });
    if (listener && this.topics.get(topic)?.get(listeners) === listener) listener.deliverOld(messages);
    return messages;
  }

  /** Stops delivering to `listeners` (the object or callback given to subscribe()); local only. */
  async unsubscribe(topic: string, listeners: PubSubCallback | PubSubListeners): Promise<void> {
    if (typeof listeners !== 'function') checkListeners(listeners, 'unsubscribe');
    const registrations = this.topics.get(topic);
    registrations?.get(listeners)?.close();
    registrations?.delete(listeners);
    if (registrations?.size === 0) this.topics.delete(topic);
  }

  /** @internal Delivers a server `pubsubMessage` to its topic's subscribers. */
  _deliver(message: PubSubMessage): void {
    const registrations = this.topics.get(message.topic);
    if (!registrations) return;
    for (const [registration, listener] of [...registrations]) {
      if (listener) {
        listener.push(message);
        continue;
      }
      try {
        (registration as PubSubCallback)(message);
      } catch (err) {
        this.log.warn(`a pubSub callback for '${message.topic}' threw:`, err);
      }
    }
  }

  /** @internal Drops every subscription (the meeting ended). */
  _clear(): void {
    for (const registrations of this.topics.values()) for (const listener of registrations.values()) listener?.close();
    this.topics.clear();
  }

  private connected(action: string): SignalingClient {
    const signaling = this.signaling();
    if (!signaling?.isOpen) {
      throw new RoomkitError('ERROR_ACTION_PERFORMED_BEFORE_MEETING_JOINED', `pubSub.${action}() needs a joined meeting`);
    }
    return signaling;
  }
}
