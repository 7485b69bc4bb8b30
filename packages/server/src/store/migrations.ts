// The database schema as an ordered list of migrations. Append new versions at the end; never edit
// one that has shipped. Each runs once, in a transaction, and is recorded in `schema_migrations`.
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Times are epoch milliseconds; JSON columns hold the REST shapes as given. */
export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'rooms, sessions, timelogs, pubsub',
    sql: `
      CREATE TABLE rooms (
        id TEXT PRIMARY KEY,
        room_id TEXT NOT NULL UNIQUE,
        custom_room_id TEXT UNIQUE,
        disabled INTEGER NOT NULL DEFAULT 0,
        webhook TEXT,
        auto_close_config TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX rooms_created ON rooms (created_at);

      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        room_id TEXT NOT NULL,
        start_at INTEGER NOT NULL,
        end_at INTEGER,
        last_activity_at INTEGER NOT NULL
      );
      CREATE INDEX sessions_room_start ON sessions (room_id, start_at);
      CREATE INDEX sessions_start ON sessions (start_at);
      CREATE INDEX sessions_ongoing ON sessions (end_at) WHERE end_at IS NULL;

      CREATE TABLE session_participants (
        session_id TEXT NOT NULL,
        participant_id TEXT NOT NULL,
        name TEXT NOT NULL,
        first_join_at INTEGER NOT NULL,
        PRIMARY KEY (session_id, participant_id)
      );

      CREATE TABLE participant_timelogs (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT NOT NULL,
        participant_id TEXT NOT NULL,
        start_at INTEGER NOT NULL,
        end_at INTEGER
      );
      CREATE INDEX timelogs_session ON participant_timelogs (session_id, participant_id);

      CREATE TABLE pubsub_messages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT NOT NULL,
        topic TEXT NOT NULL,
        message TEXT NOT NULL,
        recipients TEXT
      );
      CREATE INDEX pubsub_session_topic ON pubsub_messages (session_id, topic, seq);
    `,
  },
  {
    version: 2,
    name: 'webhook_outbox',
    // One row per (event, receiver URL). A (room_id, url) queue is delivered strictly by seq; only
    // its lowest pending row is ever in flight. Times are epoch ms.
    sql: `
      CREATE TABLE webhook_outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        room_id TEXT NOT NULL,
        url TEXT NOT NULL,
        body TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        last_error TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX webhook_outbox_queue ON webhook_outbox (room_id, url, seq) WHERE status = 'pending';
      CREATE INDEX webhook_outbox_finished ON webhook_outbox (created_at) WHERE status <> 'pending';
    `,
  },
  {
    version: 3,
    name: 'recordings',
    // One row per recording job (composite, participant or track). file_path is relative to dataDir.
    sql: `
      CREATE TABLE recordings (
        id TEXT PRIMARY KEY,
        room_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        type TEXT NOT NULL DEFAULT 'composite',
        participant_id TEXT,
        status TEXT NOT NULL,
        start_at INTEGER NOT NULL,
        end_at INTEGER,
        file_path TEXT NOT NULL,
        size INTEGER,
        duration REAL,
        config TEXT,
        error TEXT
      );
      CREATE INDEX recordings_room_start ON recordings (room_id, start_at);
      CREATE INDEX recordings_start ON recordings (start_at);
    `,
  },
  {
    version: 4,
    name: 'livestream and HLS jobs',
    // One row per RTMP livestream or HLS job; data is the REST record (destinations, URLs) as JSON.
    sql: `
      CREATE TABLE stream_jobs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        room_id TEXT NOT NULL,
        session_id TEXT NOT NULL,
        status TEXT NOT NULL,
        start_at INTEGER NOT NULL,
        end_at INTEGER,
        data TEXT NOT NULL
      );
      CREATE INDEX stream_jobs_kind_room_start ON stream_jobs (kind, room_id, start_at);
      CREATE INDEX stream_jobs_kind_start ON stream_jobs (kind, start_at);
    `,
  },
  {
    version: 5,
    name: 'participant and track recordings',
    // track_kind: which stream a track recording holds (audio, video, screen_audio, screen_video).
    sql: `
      ALTER TABLE recordings ADD COLUMN track_kind TEXT;
      CREATE INDEX recordings_type_room_start ON recordings (type, room_id, start_at);
    `,
  },
  {
    version: 6,
    name: 'pubsub retention',
    // bytes: what a row counts against the retention limits. pubsub_usage holds running totals per
    // (session, topic), and per session under topic '' (topics are never empty), so an insert
    // checks the limits without scanning; pubsub_session_seq finds a session's oldest row.
    sql: `
      ALTER TABLE pubsub_messages ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
      UPDATE pubsub_messages SET bytes = length(CAST(message AS BLOB)) + COALESCE(length(CAST(recipients AS BLOB)), 0);
      CREATE INDEX pubsub_session_seq ON pubsub_messages (session_id, seq);
      CREATE TABLE pubsub_usage (
        session_id TEXT NOT NULL,
        topic TEXT NOT NULL,
        messages INTEGER NOT NULL,
        bytes INTEGER NOT NULL,
        PRIMARY KEY (session_id, topic)
      ) WITHOUT ROWID;
      INSERT INTO pubsub_usage (session_id, topic, messages, bytes)
        SELECT session_id, topic, COUNT(*), SUM(bytes) FROM pubsub_messages GROUP BY session_id, topic;
      INSERT INTO pubsub_usage (session_id, topic, messages, bytes)
        SELECT session_id, '', COUNT(*), SUM(bytes) FROM pubsub_messages GROUP BY session_id;
    `,
  },
  {
    version: 7,
    name: 'webhook deliveries to participant-given URLs',
    // guarded: the URL came from a participant; each attempt checks its address (OutboundPolicy).
    sql: `ALTER TABLE webhook_outbox ADD COLUMN guarded INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    version: 8,
    name: 'call quality samples',
    // One row per participant, source ('server' RTCP sampling or 'sdk' getStats report) and time;
    // figures: JSON {send, recv} by kind; client: JSON {device, sdk} of sdk reports. quality_at
    // serves retention, the unique key the per-participant cap and the stats routes.
    sql: `
      CREATE TABLE quality_samples (
        id INTEGER PRIMARY KEY,
        session_id TEXT NOT NULL,
        participant_id TEXT NOT NULL,
        source TEXT NOT NULL,
        at INTEGER NOT NULL,
        room_id TEXT NOT NULL,
        audio_score REAL,
        video_score REAL,
        figures TEXT NOT NULL,
        client TEXT
      );
      CREATE UNIQUE INDEX quality_key ON quality_samples (session_id, participant_id, source, at);
      CREATE INDEX quality_session_at ON quality_samples (session_id, source, at);
      CREATE INDEX quality_at ON quality_samples (at);
    `,
  },
];

/** Applies every migration newer than the database, each in its own transaction; returns those applied. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const done = new Set((db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version));
  const newest = Math.max(0, ...migrations.map((m) => m.version));
  const ahead = [...done].filter((v) => v > newest);
  if (ahead.length > 0) {
    throw new Error(`the database has schema version ${Math.max(...ahead)}, newer than this server knows (${newest}): upgrade Roomkit or use another dataDir`);
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, Date.now());
    })();
    applied.push(migration.version);
  }
  return applied;
}
