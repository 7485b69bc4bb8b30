// What the rooms layer tells the rest of the server, and what it asks of it. The store (sessions,
// timelogs, webhooks) implements these; rooms never imports the store itself.
import type { PubSubMessage } from '@roomkit/protocol';

export interface SessionRef {
  roomId: string;
  sessionId: string;
}

/** Lifecycle facts of meetings, in the order they happen. Implementations must not throw. */
export interface SessionObserver {
  sessionStarted(session: SessionRef, at: Date): void;
  sessionEnded(session: SessionRef, at: Date): void;
  participantJoined(session: SessionRef, participant: { id: string; name: string }, at: Date): void;
  participantLeft(session: SessionRef, participant: { id: string; name: string }, at: Date, reason: { code: number; message: string }): void;
}

/** A room's stored settings, as rooms needs them when someone joins. */
export interface RoomSettings {
  roomId: string;
  disabled: boolean;
  autoCloseConfig?: { type: string; duration?: number } | null;
}

/** Looks up (and, where allowed, creates) rooms; the store decides persistence. */
export interface RoomDirectory {
  /**
   * The room's settings; creates the room on first join unless rooms must be created first (null
   * then). `mayCreate` is called just before a room would be created, and may throw to refuse it.
   */
  roomForJoin(roomId: string, mayCreate?: () => void): Promise<RoomSettings | null>;
}

/** Where persisted pubsub messages of a session live. */
export interface PubSubArchive {
  /** Keeps the message; beyond the retention limits the oldest of its topic (then of its session) go. */
  append(session: SessionRef, message: PubSubMessage, recipients: string[] | null): void;
  /** The newest kept messages of a topic the reader may see, oldest first: at most `messagesPerTopic`. */
  history(session: SessionRef, topic: string, readerId: string): PubSubMessage[];
  /** The session ended: its messages can never be read again. */
  drop(session: SessionRef): void;
}

/** How much persisted pubsub a session keeps (config `limits.pubsub*`). */
export interface PubSubRetention {
  messagesPerTopic: number;
  bytesPerTopic: number;
  messagesPerSession: number;
  bytesPerSession: number;
}

/** Bytes a persisted message counts for: its stored JSON and its recipient list. */
export function persistedBytes(message: string, recipients: string | null): number {
  return Buffer.byteLength(message) + (recipients === null ? 0 : Buffer.byteLength(recipients));
}

/** In-memory defaults: a server without a store still works (tests, embedding). */
export const noopSessionObserver: SessionObserver = {
  sessionStarted() {},
  sessionEnded() {},
  participantJoined() {},
  participantLeft() {},
};

export const openRoomDirectory: RoomDirectory = {
  async roomForJoin(roomId) {
    return { roomId, disabled: false, autoCloseConfig: null };
  },
};
