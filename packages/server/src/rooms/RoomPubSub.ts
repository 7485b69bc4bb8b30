// A session's pubsub: fan-out to subscribed participants, and the persisted messages late joiners get.
import { randomUUID } from 'node:crypto';
import type { PubSubMessage } from '@roomkit/protocol';
import type { Participant } from './Participant.js';
import { persistedBytes, type PubSubArchive, type PubSubRetention, type SessionRef } from './hooks.js';

/** The retention limits' defaults (config/defaults.ts `limits.pubsub*`). */
export const DEFAULT_PUBSUB_RETENTION: PubSubRetention = {
  messagesPerTopic: 1000,
  bytesPerTopic: 1024 * 1024,
  messagesPerSession: 10_000,
  bytesPerSession: 16 * 1024 * 1024,
};

export interface PublishParams {
  topic: string;
  message: string;
  persist?: boolean;
  sendOnly?: string[];
  payload?: unknown;
}

interface Kept {
  topic: string;
  message: PubSubMessage;
  /** Recipients (null: everyone), so `sendOnly` stays private. */
  only: Set<string> | null;
  bytes: number;
}

interface KeptSession {
  /** Oldest first. */
  kept: Kept[];
  bytes: number;
  topics: Map<string, { messages: number; bytes: number }>;
}

/** Keeps persisted messages in memory for the session's lifetime (the default without a store). */
export class MemoryPubSubArchive implements PubSubArchive {
  /** Per session, oldest first, with running totals per topic and for the session. */
  private readonly sessions = new Map<string, KeptSession>();

  constructor(private readonly retention: PubSubRetention = DEFAULT_PUBSUB_RETENTION) {}

  append(session: SessionRef, message: PubSubMessage, recipients: string[] | null): void {
    const s: KeptSession = this.sessions.get(session.sessionId) ?? { kept: [], bytes: 0, topics: new Map() };
    this.sessions.set(session.sessionId, s);
    const bytes = persistedBytes(JSON.stringify(message), recipients ? JSON.stringify(recipients) : null);
    s.kept.push({ topic: message.topic, message, only: recipients ? new Set(recipients) : null, bytes });
    s.bytes += bytes;
    const topic = s.topics.get(message.topic) ?? { messages: 0, bytes: 0 };
    s.topics.set(message.topic, topic);
    topic.messages++;
    topic.bytes += bytes;
    const r = this.retention;
    while (topic.messages > 0 && (topic.messages > r.messagesPerTopic || topic.bytes > r.bytesPerTopic)) {
      this.remove(s, s.kept.findIndex((k) => k.topic === message.topic));
    }
    while (s.kept.length > 0 && (s.kept.length > r.messagesPerSession || s.bytes > r.bytesPerSession)) this.remove(s, 0);
  }

  private remove(s: KeptSession, index: number): void {
    const [gone] = s.kept.splice(index, 1);
    if (!gone) return;
    s.bytes -= gone.bytes;
    const topic = s.topics.get(gone.topic)!;
    topic.messages--;
    topic.bytes -= gone.bytes;
    if (topic.messages === 0) s.topics.delete(gone.topic);
  }

  history(session: SessionRef, topic: string, readerId: string): PubSubMessage[] {
    const kept = this.sessions.get(session.sessionId)?.kept ?? [];
    return kept.filter((k) => k.topic === topic && (k.only === null || k.only.has(readerId))).map((k) => k.message);
  }

  drop(session: SessionRef): void {
    this.sessions.delete(session.sessionId);
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

  /** The session is over: its persisted messages go. */
  drop(): void {
    this.archive.drop(this.session);
  }
}
