// meeting.pubSub: topic messages between participants, as in the browser SDK.
import type { PubSubMessage } from '@roomkit/protocol';
import { RoomkitError } from '@roomkit/protocol/errors';
import type { SignalingClient } from './SignalingClient.js';

export type PubSubCallback = (message: PubSubMessage) => void;

export class PubSub {
  private readonly callbacks = new Map<string, Set<PubSubCallback>>();

  constructor(private readonly signaling: () => SignalingClient | null) {}

  async publish(topic: string, message: string, options: { persist?: boolean; sendOnly?: string[] } = {}, payload?: unknown): Promise<void> {
    await this.connected('publish').request({
      t: 'pubsubPublish',
      topic,
      message,
      ...(options.persist !== undefined && { persist: options.persist }),
      ...(options.sendOnly !== undefined && { sendOnly: options.sendOnly }),
      ...(payload !== undefined && { payload }),
    });
  }

  /** Calls `callback` for each new message on `topic`; resolves with the topic's persisted messages. */
  async subscribe(topic: string, callback: PubSubCallback): Promise<PubSubMessage[]> {
    const signaling = this.connected('subscribe');
    let set = this.callbacks.get(topic);
    if (!set) this.callbacks.set(topic, (set = new Set()));
    set.add(callback);
    return (await signaling.request({ t: 'pubsubSubscribe', topic })).messages;
  }

  unsubscribe(topic: string, callback: PubSubCallback): void {
    this.callbacks.get(topic)?.delete(callback);
  }

  /** @internal */
  _deliver(message: PubSubMessage): void {
    for (const cb of [...(this.callbacks.get(message.topic) ?? [])]) {
      try {
        cb(message);
      } catch (err) {
        console.error(`[roomkit] a pubSub callback for '${message.topic}' threw:`, err);
      }
    }
  }

  /** @internal */
  _clear(): void {
    this.callbacks.clear();
  }

  private connected(action: string): SignalingClient {
    const signaling = this.signaling();
    if (!signaling?.isOpen) throw new RoomkitError('ERROR_ACTION_PERFORMED_BEFORE_MEETING_JOINED', `pubSub.${action}() needs a joined meeting`);
    return signaling;
  }
}
