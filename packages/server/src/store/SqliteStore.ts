// The Store on an embedded SQLite file (better-sqlite3, WAL): rooms, sessions and timelogs written
// as the rooms layer reports them, persisted pubsub, and crash recovery of sessions left open.
import { randomBytes, randomInt } from 'node:crypto';
import Database from 'better-sqlite3';
import { RoomkitError, type PubSubMessage } from '@roomkit/protocol';
import { persistedBytes, type PubSubArchive, type PubSubRetention, type RoomDirectory, type SessionObserver, type SessionRef } from '../rooms/hooks.js';
import { DEFAULT_PUBSUB_RETENTION } from '../rooms/RoomPubSub.js';
import { logger } from '../logger.js';
import { migrate, MIGRATIONS, type Migration } from './migrations.js';
import type { NewRoom, PageRequest, PageResult, Store, StoredQualityClient, StoredQualitySample, StoredRoom, StoredSession } from './Store.js';
import { SqliteQualityStore } from './SqliteQualityStore.js';
import type { QualitySink } from '../rooms/quality/types.js';

/** How often ongoing sessions record that the server is still up (their end after a crash). */
const HEARTBEAT_MS = 30_000;

export interface SqliteStoreOptions {
  /** Database file, or ':memory:'. */
  file: string;
  /** Joins must name a room created through the API (no room is created on first join). */
  requireRoomCreation: boolean;
  migrations?: readonly Migration[];
  /** Persisted pubsub kept per topic and session (default: config defaults). */
  pubsub?: PubSubRetention;
  /** Days call quality samples are kept (default 30); pruned at boot and hourly. */
  qualityRetentionDays?: number;
  /** Quality samples kept per participant, session and source (default QUALITY_SAMPLES_PER_PARTICIPANT). */
  qualitySamplesPerParticipant?: number;
}

/** How often old quality samples are pruned. */
const QUALITY_PRUNE_INTERVAL_MS = 3600_000;

interface RoomRow {
  id: string;
  room_id: string;
  custom_room_id: string | null;
  disabled: number;
  webhook: string | null;
  auto_close_config: string | null;
  created_at: number;
  updated_at: number;
}

interface SessionRow {
  id: string;
  room_id: string;
  start_at: number;
  end_at: number | null;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** A VideoSDK-style room id: `abcd-efgh-ijkl`. */
export function generateRoomId(): string {
  const group = () => Array.from({ length: 4 }, () => LETTERS[randomInt(LETTERS.length)]).join('');
  return `${group()}-${group()}-${group()}`;
}

function roomFromRow(row: RoomRow): StoredRoom {
  return {
    id: row.id,
    roomId: row.room_id,
    customRoomId: row.custom_room_id,
    disabled: row.disabled !== 0,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    webhook: row.webhook === null ? null : JSON.parse(row.webhook),
    autoCloseConfig: row.auto_close_config === null ? null : JSON.parse(row.auto_close_config),
  };
}

export class SqliteStore implements Store {
  /** The open handle, for features that add their own tables by migration (the webhook outbox). */
  readonly database: Database.Database;
  readonly observer: SessionObserver;
  readonly directory: RoomDirectory;
  readonly archive: PubSubArchive;
  readonly quality: QualitySink;
  private readonly qualitySamples: SqliteQualityStore;
  private readonly qualityPruner: NodeJS.Timeout;
  private readonly log = logger('store');
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;
  private readonly retention: PubSubRetention;
  /** Prepared once, run many times: preparing each time cost more than running (a join ran five). */
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly options: SqliteStoreOptions) {
    const db = new Database(options.file);
    this.database = db;
    this.retention = options.pubsub ?? DEFAULT_PUBSUB_RETENTION;
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
      const applied = migrate(db, options.migrations ?? MIGRATIONS);
      if (applied.length > 0) this.log.info({ applied }, 'database migrated');
      this.recoverOngoingSessions();
      this.sweepEndedPubSub();
    } catch (err) {
      db.close();
      throw err;
    }
    this.heartbeat = setInterval(() => this.guard('heartbeat', () => this.touchOngoing(Date.now())), HEARTBEAT_MS);
    this.heartbeat.unref();
    this.qualitySamples = new SqliteQualityStore(db, options.qualitySamplesPerParticipant);
    this.quality = { record: (samples) => this.guard('quality samples', () => this.qualitySamples.record(samples)) };
    const retentionMs = (options.qualityRetentionDays ?? 30) * 86_400_000;
    const prune = () => void this.pruneQuality(new Date(Date.now() - retentionMs)).catch((err) => this.log.error({ err }, 'quality pruning failed'));
    setImmediate(prune);
    this.qualityPruner = setInterval(prune, QUALITY_PRUNE_INTERVAL_MS);
    this.qualityPruner.unref();
    this.observer = {
      sessionStarted: (s, at) => this.guard('sessionStarted', () => this.sessionStarted(s, at.getTime())),
      sessionEnded: (s, at) => this.guard('sessionEnded', () => this.sessionEnded(s, at.getTime())),
      participantJoined: (s, p, at) => this.guard('participantJoined', () => this.participantJoined(s, p, at.getTime())),
      participantLeft: (s, p, at) => this.guard('participantLeft', () => this.participantLeft(s, p.id, at.getTime())),
    };
    this.directory = { roomForJoin: async (roomId, mayCreate) => this.roomForJoin(roomId, mayCreate) };
    this.archive = {
      append: (s, message, recipients) => this.guard('pubsub append', () => this.appendPubSub(s, message, recipients)),
      history: (s, topic, readerId) => this.guard('pubsub history', () => this.pubSubHistory(s, topic, readerId)) ?? [],
      drop: (s) => this.guard('pubsub drop', () => this.dropPubSub(s.sessionId)),
    };
  }

  /** Runs a hook body; a storage failure is logged, never thrown into the rooms layer. */
  private guard<T>(what: string, fn: () => T): T | undefined {
    if (this.closed) {
      this.log.warn({ what }, 'store used after close');
      return undefined;
    }
    try {
      return fn();
    } catch (err) {
      this.log.error({ err, what }, 'store write failed');
      return undefined;
    }
  }

  // ---- rooms ----------------------------------------------------------------------------------

  private roomRow(roomIdOrCustomId: string): RoomRow | undefined {
    return (
      (this.sql('SELECT * FROM rooms WHERE room_id = ?').get(roomIdOrCustomId) as RoomRow | undefined) ??
      (this.sql('SELECT * FROM rooms WHERE custom_room_id = ?').get(roomIdOrCustomId) as RoomRow | undefined)
    );
  }

  private insertRoom(roomId: string, input: NewRoom, now: number): boolean {
    const result = this.sql(
        `INSERT OR IGNORE INTO rooms (id, room_id, custom_room_id, disabled, webhook, auto_close_config, created_at, updated_at)
         VALUES (?, ?, ?, 0, ?, ?, ?, ?)`,
      )
      .run(
        randomBytes(12).toString('hex'),
        roomId,
        input.customRoomId ?? null,
        input.webhook ? JSON.stringify(input.webhook) : null,
        input.autoCloseConfig ? JSON.stringify(input.autoCloseConfig) : null,
        now,
        now,
      );
    return result.changes > 0;
  }

  async createRoom(input: NewRoom): Promise<{ room: StoredRoom; created: boolean }> {
    const create = this.database.transaction((): { room: StoredRoom; created: boolean } => {
      if (input.customRoomId !== undefined) {
        const existing = this.sql('SELECT * FROM rooms WHERE custom_room_id = ?').get(input.customRoomId) as RoomRow | undefined;
        if (existing) return { room: roomFromRow(existing), created: false };
        // Ids are looked up room_id first: this custom id would never find its own room.
        if (this.sql('SELECT 1 FROM rooms WHERE room_id = ?').get(input.customRoomId)) {
          throw new RoomkitError('ERROR_INVALID_PARAMETER', 'customRoomId: already used as a roomId');
        }
      }
      for (let attempt = 0; attempt < 10; attempt++) {
        const roomId = generateRoomId();
        // Nor may a new roomId shadow another room's custom id.
        if (this.sql('SELECT 1 FROM rooms WHERE custom_room_id = ?').get(roomId)) continue;
        if (this.insertRoom(roomId, input, Date.now())) return { room: roomFromRow(this.roomRow(roomId)!), created: true };
      }
      throw new Error('could not generate an unused room id');
    });
    return create();
  }

  async getRoom(roomIdOrCustomId: string): Promise<StoredRoom | null> {
    const row = this.roomRow(roomIdOrCustomId);
    return row ? roomFromRow(row) : null;
  }

  async listRooms({ page, perPage }: PageRequest): Promise<PageResult<StoredRoom>> {
    const { total } = this.sql('SELECT COUNT(*) AS total FROM rooms').get() as { total: number };
    const rows = this.sql('SELECT * FROM rooms ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?')
      .all(perPage, (page - 1) * perPage) as RoomRow[];
    return { items: rows.map(roomFromRow), total };
  }

  async deactivateRoom(roomId: string): Promise<StoredRoom | null> {
    const row = this.roomRow(roomId);
    if (!row) return null;
    this.sql('UPDATE rooms SET disabled = 1, updated_at = ? WHERE id = ?').run(Date.now(), row.id);
    return roomFromRow(this.sql('SELECT * FROM rooms WHERE id = ?').get(row.id) as RoomRow);
  }

  private roomForJoin(roomId: string, mayCreate?: () => void) {
    let row = this.sql('SELECT * FROM rooms WHERE room_id = ?').get(roomId) as RoomRow | undefined;
    if (!row) {
      if (this.options.requireRoomCreation) return null;
      mayCreate?.();
      this.insertRoom(roomId, {}, Date.now());
      row = this.sql('SELECT * FROM rooms WHERE room_id = ?').get(roomId) as RoomRow;
    }
    const room = roomFromRow(row);
    return { roomId: room.roomId, disabled: room.disabled, autoCloseConfig: room.autoCloseConfig };
  }

  // ---- sessions -------------------------------------------------------------------------------

  async listSessions(filter: { roomId?: string }, { page, perPage }: PageRequest): Promise<PageResult<StoredSession>> {
    const where = filter.roomId === undefined ? '' : 'WHERE room_id = ?';
    const args = filter.roomId === undefined ? [] : [filter.roomId];
    const { total } = this.sql(`SELECT COUNT(*) AS total FROM sessions ${where}`).get(...args) as { total: number };
    const rows = this.sql(`SELECT * FROM sessions ${where} ORDER BY start_at DESC, rowid DESC LIMIT ? OFFSET ?`)
      .all(...args, perPage, (page - 1) * perPage) as SessionRow[];
    return { items: rows.map((row) => this.sessionFromRow(row)), total };
  }

  async getSession(sessionId: string): Promise<StoredSession | null> {
    const row = this.sql('SELECT * FROM sessions WHERE id = ?').get(sessionId) as SessionRow | undefined;
    return row ? this.sessionFromRow(row) : null;
  }

  private sessionFromRow(row: SessionRow): StoredSession {
    const people = this.sql('SELECT participant_id, name FROM session_participants WHERE session_id = ? ORDER BY first_join_at, rowid')
      .all(row.id) as Array<{ participant_id: string; name: string }>;
    const logs = this.sql('SELECT participant_id, start_at, end_at FROM participant_timelogs WHERE session_id = ? ORDER BY seq')
      .all(row.id) as Array<{ participant_id: string; start_at: number; end_at: number | null }>;
    return {
      id: row.id,
      roomId: row.room_id,
      start: new Date(row.start_at),
      end: row.end_at === null ? null : new Date(row.end_at),
      participants: people.map((p) => ({
        participantId: p.participant_id,
        name: p.name,
        timelog: logs
          .filter((l) => l.participant_id === p.participant_id)
          .map((l) => ({ start: new Date(l.start_at), end: l.end_at === null ? null : new Date(l.end_at) })),
      })),
    };
  }

  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.database.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  private sessionStarted(session: SessionRef, at: number): void {
    this.sql('INSERT OR IGNORE INTO sessions (id, room_id, start_at, end_at, last_activity_at) VALUES (?, ?, ?, NULL, ?)')
      .run(session.sessionId, session.roomId, at, at);
  }

  private touch(sessionId: string, at: number): void {
    this.sql('UPDATE sessions SET last_activity_at = MAX(last_activity_at, ?) WHERE id = ?').run(at, sessionId);
  }

  private participantJoined(session: SessionRef, participant: { id: string; name: string }, at: number): void {
    this.database.transaction(() => {
      this.sessionStarted(session, at);
      this.sql(
          `INSERT INTO session_participants (session_id, participant_id, name, first_join_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (session_id, participant_id) DO UPDATE SET name = excluded.name`,
        )
        .run(session.sessionId, participant.id, participant.name, at);
      this.closeOpenTimelogs(session.sessionId, participant.id, at);
      this.sql('INSERT INTO participant_timelogs (session_id, participant_id, start_at, end_at) VALUES (?, ?, ?, NULL)')
        .run(session.sessionId, participant.id, at);
      this.touch(session.sessionId, at);
    })();
  }

  private closeOpenTimelogs(sessionId: string, participantId: string | null, at: number): void {
    this.sql(
        `UPDATE participant_timelogs SET end_at = MAX(start_at, ?)
         WHERE session_id = ? AND end_at IS NULL AND (? IS NULL OR participant_id = ?)`,
      )
      .run(at, sessionId, participantId, participantId);
  }

  private participantLeft(session: SessionRef, participantId: string, at: number): void {
    this.database.transaction(() => {
      this.closeOpenTimelogs(session.sessionId, participantId, at);
      this.touch(session.sessionId, at);
    })();
  }

  private sessionEnded(session: SessionRef, at: number): void {
    this.database.transaction(() => {
      this.closeOpenTimelogs(session.sessionId, null, at);
      this.sql('UPDATE sessions SET end_at = MAX(start_at, ?), last_activity_at = MAX(last_activity_at, ?) WHERE id = ? AND end_at IS NULL')
        .run(at, at, session.sessionId);
      const room = this.sql('SELECT * FROM rooms WHERE room_id = ?').get(session.roomId) as RoomRow | undefined;
      if (room && room.auto_close_config && roomFromRow(room).autoCloseConfig?.type === 'session-end-and-deactivate') {
        this.sql('UPDATE rooms SET disabled = 1, updated_at = ? WHERE id = ?').run(at, room.id);
      }
    })();
  }

  private touchOngoing(at: number): void {
    this.sql('UPDATE sessions SET last_activity_at = MAX(last_activity_at, ?) WHERE end_at IS NULL').run(at);
  }

  /** Sessions still open at startup belong to a server that died: end them at their last activity. */
  private recoverOngoingSessions(): void {
    const ongoing = this.sql('SELECT id, last_activity_at FROM sessions WHERE end_at IS NULL').all() as Array<{ id: string; last_activity_at: number }>;
    if (ongoing.length === 0) return;
    this.database.transaction(() => {
      for (const s of ongoing) {
        this.closeOpenTimelogs(s.id, null, s.last_activity_at);
        this.sql('UPDATE sessions SET end_at = MAX(start_at, last_activity_at) WHERE id = ?').run(s.id);
      }
    })();
    this.log.warn({ sessions: ongoing.length }, 'closed sessions left ongoing by an unclean shutdown');
  }

  // ---- pubsub ---------------------------------------------------------------------------------

  /**
   * Inserts the message and, in the same transaction, deletes the oldest of its topic while the
   * topic is over its limits, then the oldest of the session while the session is: every insert
   * leaves both within bounds, whatever a client publishes.
   */
  private appendPubSub(session: SessionRef, message: PubSubMessage, recipients: string[] | null): void {
    const text = JSON.stringify(message);
    const only = recipients ? JSON.stringify(recipients) : null;
    const bytes = persistedBytes(text, only);
    const sid = session.sessionId;
    const r = this.retention;
    this.database.transaction(() => {
      this.sql('INSERT INTO pubsub_messages (session_id, topic, message, recipients, bytes) VALUES (?, ?, ?, ?, ?)').run(sid, message.topic, text, only, bytes);
      let topic = this.addPubSubUsage(sid, message.topic, 1, bytes);
      this.addPubSubUsage(sid, '', 1, bytes);
      while (topic.messages > 0 && (topic.messages > r.messagesPerTopic || topic.bytes > r.bytesPerTopic)) {
        const oldest = this.sql('SELECT seq, bytes FROM pubsub_messages WHERE session_id = ? AND topic = ? ORDER BY seq LIMIT 1')
          .get(sid, message.topic) as { seq: number; bytes: number } | undefined;
        if (!oldest) break;
        this.sql('DELETE FROM pubsub_messages WHERE seq = ?').run(oldest.seq);
        topic = this.addPubSubUsage(sid, message.topic, -1, -oldest.bytes);
        this.addPubSubUsage(sid, '', -1, -oldest.bytes);
      }
      let total = this.addPubSubUsage(sid, '', 0, 0);
      while (total.messages > 0 && (total.messages > r.messagesPerSession || total.bytes > r.bytesPerSession)) {
        const oldest = this.sql('SELECT seq, topic, bytes FROM pubsub_messages WHERE session_id = ? ORDER BY seq LIMIT 1')
          .get(sid) as { seq: number; topic: string; bytes: number } | undefined;
        if (!oldest) break;
        this.sql('DELETE FROM pubsub_messages WHERE seq = ?').run(oldest.seq);
        this.addPubSubUsage(sid, oldest.topic, -1, -oldest.bytes);
        total = this.addPubSubUsage(sid, '', -1, -oldest.bytes);
      }
      this.sql("DELETE FROM pubsub_usage WHERE session_id = ? AND messages <= 0 AND topic <> ''").run(sid);
      this.touch(sid, Date.now());
    })();
  }

  /** Adds to a (session, topic) running total (topic '': the session's); returns the new total. */
  private addPubSubUsage(sessionId: string, topic: string, messages: number, bytes: number): { messages: number; bytes: number } {
    return this.sql(
        `INSERT INTO pubsub_usage (session_id, topic, messages, bytes) VALUES (?, ?, ?, ?)
         ON CONFLICT (session_id, topic) DO UPDATE SET messages = messages + excluded.messages, bytes = bytes + excluded.bytes
         RETURNING messages, bytes`,
      )
      .get(sessionId, topic, messages, bytes) as { messages: number; bytes: number };
  }

  /** The newest `messagesPerTopic` rows, read backwards along the (session, topic, seq) index. */
  private pubSubHistory(session: SessionRef, topic: string, readerId: string): PubSubMessage[] {
    const rows = this.sql('SELECT message, recipients FROM pubsub_messages WHERE session_id = ? AND topic = ? ORDER BY seq DESC LIMIT ?')
      .all(session.sessionId, topic, this.retention.messagesPerTopic) as Array<{ message: string; recipients: string | null }>;
    rows.reverse();
    return rows
      .filter((row) => row.recipients === null || (JSON.parse(row.recipients) as string[]).includes(readerId))
      .map((row) => JSON.parse(row.message) as PubSubMessage);
  }

  private dropPubSub(sessionId: string): void {
    this.database.transaction(() => {
      this.sql('DELETE FROM pubsub_messages WHERE session_id = ?').run(sessionId);
      this.sql('DELETE FROM pubsub_usage WHERE session_id = ?').run(sessionId);
    })();
  }

  /** Persisted pubsub of sessions that ended (e.g. before a crash) can never be read: it goes at boot. */
  private sweepEndedPubSub(): void {
    const gone = this.database.transaction(() => {
      const ended = 'SELECT id FROM sessions WHERE end_at IS NOT NULL';
      const { changes } = this.database.prepare(`DELETE FROM pubsub_messages WHERE session_id IN (${ended})`).run();
      this.database.prepare(`DELETE FROM pubsub_usage WHERE session_id IN (${ended})`).run();
      return changes;
    })();
    if (gone > 0) this.log.info({ messages: gone }, 'removed persisted pubsub of ended sessions');
  }

  // ---- call quality ---------------------------------------------------------------------------

  async sessionQuality(sessionId: string, source: 'server' | 'sdk', page: PageRequest): Promise<PageResult<StoredQualitySample>> {
    return this.qualitySamples.sessionSamples(sessionId, source, page);
  }

  async participantQuality(sessionId: string, participantId: string, source: 'server' | 'sdk', page: PageRequest): Promise<PageResult<StoredQualitySample>> {
    return this.qualitySamples.participantSamples(sessionId, participantId, source, page);
  }

  async participantQualityClient(sessionId: string, participantId: string): Promise<StoredQualityClient | null> {
    return this.qualitySamples.participantClient(sessionId, participantId);
  }

  async pruneQuality(before: Date): Promise<number> {
    let total = 0;
    for (;;) {
      if (this.closed) return total;
      const deleted = this.qualitySamples.pruneOnce(before);
      total += deleted;
      if (deleted === 0) break;
      await new Promise((resolve) => setImmediate(resolve)); // let the server breathe between batches
    }
    if (total > 0) this.log.info({ samples: total }, 'pruned call quality samples past retention');
    return total;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    clearInterval(this.qualityPruner);
    this.database.close();
  }
}
