// A session's pubsub: fan-out to subscribed participants, and the persisted messages late joiners get.
import { randomUUID } from 'node:crypto';
import type { PubSubMessage } from '@roomkit/protocol';
import type { Participant } from './Participant.js';
import type { PubSubArchive, SessionRef } from './hooks.js';

/** Persisted messages kept per topic; the oldest go first beyond this. */
const MAX_PERSISTED_PER_TOPIC = 1000;

export interface PublishParams {
  topic: string;
  message: string;
  persist?: boolean;
  sendOnly?: string[];
  payload?: unknown;
}

/** Keeps persisted messages in memory for the session's lifetime (the default without a store). */
export class MemoryPubSubArchive implements PubSubArchive {
  /** Persisted messages with their recipients (null: everyone), so `sendOnly` stays private. */
  private readonly persisted = new Map<string, Array<{ message: PubSubMessage; only: Set<string> | null }>>();

  append(session: SessionRef, message: PubSubMessage, recipients: string[] | null): void {
    const key = `${session.sessionId}/${message.topic}`;
    const list = this.persisted.get(key) ?? [];
    list.push({ message, only: recipients ? new Set(recipients) : null });
    if (list.length > MAX_PERSISTED_PER_TOPIC) list.shift();
    this.persisted.set(key, list);
  }

  history(session: SessionRef, topic: string, readerId: string): PubSubMessage[] {
    const list = this.persisted.get(`${session.sessionId}/${topic}`) ?? [];
    return list.filter((entry) => entry.only === null || entry.only.has(readerId)).map((entry) => entry.message);
  }
}

export class RoomPubSub {
  constructor(
    private readonly session: SessionRef,
    private readonly archive: PubSubArchive,
  ) {}

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
    const recipients = params.sendOnly ? [...new Set([...params.sendOnly, sender.id])] : null;
    if (params.persist) this.archive.append(this.session, message, recipients);
    const only = recipients ? new Set(recipients) : null;
    for (const participant of everyone) {
      if (!participant.pubsubTopics.has(params.topic)) continue;
      if (only && !only.has(participant.id)) continue;
      participant.sink.send({ t: 'pubsubMessage', message });
    }
    return message;
  }

  history(topic: string, reader: Participant): PubSubMessage[] {
    return this.archive.history(this.session, topic, reader.id);
  }
}
