// Recording rows in the server's SQLite database (migrations 3 and 5): written when a job starts and
// when it ends; a server killed mid-recording leaves the row 'recording' until the next boot marks it.
import type { SqliteDatabase } from '../../webhooks/SqliteWebhookOutbox.js';
import type { PageRequest, PageResult } from '../../store/Store.js';

export type RecordingStatus = 'recording' | 'completed' | 'failed';

export interface StoredRecording {
  id: string;
  roomId: string;
  sessionId: string;
  type: 'composite' | 'participant' | 'track';
  participantId: string | null;
  /** Track recordings: which stream (audio, video, screen_audio, screen_video). */
  trackKind: string | null;
  status: RecordingStatus;
  start: Date;
  end: Date | null;
  /** Relative to the data dir. */
  filePath: string;
  size: number | null;
  duration: number | null;
  error: string | null;
}

interface Row {
  id: string; room_id: string; session_id: string; type: string; participant_id: string | null; track_kind: string | null; status: string;
  start_at: number; end_at: number | null; file_path: string; size: number | null; duration: number | null; error: string | null;
}

const toRecording = (r: Row): StoredRecording => ({
  id: r.id,
  roomId: r.room_id,
  sessionId: r.session_id,
  type: r.type as StoredRecording['type'],
  participantId: r.participant_id,
  trackKind: r.track_kind,
  status: r.status as RecordingStatus,
  start: new Date(r.start_at),
  end: r.end_at === null ? null : new Date(r.end_at),
  filePath: r.file_path,
  size: r.size,
  duration: r.duration,
  error: r.error,
});

export class RecordingStore {
  constructor(private readonly db: SqliteDatabase) {}

  /** At boot: recordings a previous run left 'recording' (it died); BootSweep finishes each. */
  async cutOff(): Promise<StoredRecording[]> {
    return (this.db.prepare(`SELECT * FROM recordings WHERE status = 'recording'`).all() as Row[]).map(toRecording);
  }

  async insert(r: Pick<StoredRecording, 'id' | 'roomId' | 'sessionId' | 'type' | 'participantId' | 'filePath'> & { trackKind?: string | null; config: unknown }): Promise<void> {
    this.db
      .prepare(`INSERT INTO recordings (id, room_id, session_id, type, participant_id, track_kind, status, start_at, file_path, config) VALUES (?, ?, ?, ?, ?, ?, 'recording', ?, ?, ?)`)
      .run(r.id, r.roomId, r.sessionId, r.type, r.participantId, r.trackKind ?? null, Date.now(), r.filePath, JSON.stringify(r.config ?? {}));
  }

  async finish(id: string, f: { status: RecordingStatus; size: number | null; duration: number | null; error: string | null }): Promise<void> {
    this.db.prepare(`UPDATE recordings SET status = ?, end_at = ?, size = ?, duration = ?, error = ? WHERE id = ?`).run(f.status, Date.now(), f.size, f.duration, f.error, id);
  }

  async get(id: string): Promise<StoredRecording | null> {
    const row = this.db.prepare(`SELECT * FROM recordings WHERE id = ?`).get(id) as Row | undefined;
    return row ? toRecording(row) : null;
  }

  async list(filter: { roomId?: string; sessionId?: string; participantId?: string; type: StoredRecording['type'] }, page: PageRequest): Promise<PageResult<StoredRecording>> {
    const where = ['type = ?'];
    const args: unknown[] = [filter.type];
    if (filter.participantId !== undefined) { where.push('participant_id = ?'); args.push(filter.participantId); }
    if (filter.roomId !== undefined) { where.push('room_id = ?'); args.push(filter.roomId); }
    if (filter.sessionId !== undefined) { where.push('session_id = ?'); args.push(filter.sessionId); }
    const w = where.join(' AND ');
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM recordings WHERE ${w}`).get(...args) as { n: number }).n;
    const rows = this.db.prepare(`SELECT * FROM recordings WHERE ${w} ORDER BY start_at DESC, id LIMIT ? OFFSET ?`).all(...args, page.perPage, (page.page - 1) * page.perPage) as Row[];
    return { items: rows.map(toRecording), total };
  }

  async delete(id: string): Promise<boolean> {
    return this.db.prepare(`DELETE FROM recordings WHERE id = ?`).run(id).changes > 0;
  }
}
