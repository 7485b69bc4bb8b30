// The persistence seam: rooms, sessions with participant timelogs, persisted pubsub. Callers use
// only this interface (async, so a networked database can implement it); SqliteStore is the local one.
import type { AutoCloseConfig, WebhookConfig } from '@roomkit/protocol';
import type { PubSubArchive, RoomDirectory, SessionObserver } from '../rooms/hooks.js';
import type { FiguresByKind, QualitySink } from '../rooms/quality/types.js';

export interface StoredRoom {
  /** Internal record id. */
  id: string;
  /** The meeting id clients join with. */
  roomId: string;
  customRoomId: string | null;
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
  webhook: WebhookConfig | null;
  autoCloseConfig: AutoCloseConfig | null;
}

export interface NewRoom {
  customRoomId?: string;
  webhook?: WebhookConfig;
  autoCloseConfig?: AutoCloseConfig;
}

export interface StoredTimelogEntry {
  start: Date;
  /** Null while the participant is in the session. */
  end: Date | null;
}

export interface StoredParticipant {
  participantId: string;
  name: string;
  /** Oldest first; one entry per stay. */
  timelog: StoredTimelogEntry[];
}

export interface StoredSession {
  id: string;
  roomId: string;
  start: Date;
  /** Null while ongoing. */
  end: Date | null;
  /** In order of first join. */
  participants: StoredParticipant[];
}

export interface PageRequest {
  /** 1-based. */
  page: number;
  perPage: number;
}

export interface PageResult<T> {
  items: T[];
  total: number;
}

export interface StoredQualitySample {
  participantId: string;
  source: 'server' | 'sdk';
  at: Date;
  send: FiguresByKind;
  recv: FiguresByKind;
  audioScore: number | null;
  videoScore: number | null;
}

export interface StoredQualityClient {
  device?: { name: string; version: string };
  sdk?: { name: string; version: string };
}

export interface Store {
  /** Rooms-layer hooks backed by this store (see rooms/hooks.ts): they never throw. */
  readonly observer: SessionObserver;
  readonly directory: RoomDirectory;
  readonly archive: PubSubArchive;
  /** Where the rooms layer's call quality samples go (never throws). */
  readonly quality: QualitySink;

  /** A session's samples, one per sample time (every participant's averaged), oldest first, paged. */
  sessionQuality(sessionId: string, source: 'server' | 'sdk', page: PageRequest): Promise<PageResult<StoredQualitySample>>;
  /** One participant's samples in a session, oldest first, paged. */
  participantQuality(sessionId: string, participantId: string, source: 'server' | 'sdk', page: PageRequest): Promise<PageResult<StoredQualitySample>>;
  /** What the participant's SDK last reported it runs; null if it never did. */
  participantQualityClient(sessionId: string, participantId: string): Promise<StoredQualityClient | null>;
  /** Deletes samples older than `before` in bounded batches (yielding between them); resolves with how many. */
  pruneQuality(before: Date): Promise<number>;

  /**
   * Creates a room; with a `customRoomId` already used, returns that room (`created: false`). A
   * `customRoomId` equal to another room's `roomId` throws ERROR_INVALID_PARAMETER.
   */
  createRoom(input: NewRoom): Promise<{ room: StoredRoom; created: boolean }>;
  /** By `roomId`, else by `customRoomId`. */
  getRoom(roomIdOrCustomId: string): Promise<StoredRoom | null>;
  /** Newest first. */
  listRooms(page: PageRequest): Promise<PageResult<StoredRoom>>;
  /** Marks the room disabled (joins are refused); null if there is no such room. */
  deactivateRoom(roomId: string): Promise<StoredRoom | null>;

  /** Newest first; all rooms when `roomId` is absent. */
  listSessions(filter: { roomId?: string }, page: PageRequest): Promise<PageResult<StoredSession>>;
  getSession(sessionId: string): Promise<StoredSession | null>;

  /** Flushes and releases the database; the hooks must not be used afterwards. */
  close(): Promise<void>;
}
