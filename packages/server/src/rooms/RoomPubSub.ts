// A session's pubsub: fan-out to subscribed participants, and the persisted messages late joiners get.
import { randomUUID } from 'node:crypto';
import type { PubSubMessage } from '@roomkit/protocol';
import type { Participant } from './Participant.js';

/** Persisted messages kept per topic; the oldest go first beyond this. */
const MAX_PERSISTED_PER_TOPIC = 1000;

export interface PublishParams {
  topic: string;
  message: string;
  persist?: boolean;
  sendOnly?: string[];
  payload?: unknown;
}

export class RoomPubSub {
  /** Persisted messages with their recipients (null: everyone), so `sendOnly` stays private. */
  private readonly persisted = new Map<string, Array<{ message: PubSubMessage; only: Set<string> | null }>>();

  publish(sender: Participant, params: PublishParams, everyone: Iterable<Participant>): PubSubMessage {
    const message: PubSubMessage = {
      id: randomUUID(),
      topic: params.topic,
      message: params.message,
      senderId: sender.id,
      senderName: sender.displayName,
      timestamp: new Date().toISOString(),
      ...(params.payload !== undefined ? { payload: params.payload } : {}),
    };
    const only = params.sendOnly ? new Set([...params.sendOnly, sender.id]) : null;
    if (params.persist) {
      const list = this.persisted.get(params.topic) ?? [];
      list.push({ message, only });
      if (list.length > MAX_PERSISTED_PER_TOPIC) list.shift();
      this.persisted.set(params.topic, list);
    }
    for (const participant of everyone) {
      if (!participant.pubsubTopics.has(params.topic)) continue;
      if (only && !only.has(participant.id)) continue;
      participant.sink.send({ t: 'pubsubMessage', message });
    }
    return message;
  }

  history(topic: string, reader: Participant): PubSubMessage[] {
    const list = this.persisted.get(topic) ?? [];
    return list.filter((entry) => entry.only === null || entry.only.has(reader.id)).map((entry) => entry.message);
  }
}
