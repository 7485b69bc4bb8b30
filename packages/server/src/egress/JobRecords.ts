// The jobs of one streaming kind (livestream, HLS), newest first, for `GET /v2/<kind>?roomId=`.
// Running jobs live in memory and are written through to the `stream_jobs` table (migration 4) on
// every change; a server killed mid-job leaves them 'ongoing' until the boot sweep (BootSweep.ts)
// marks them failed with `cutOff()`.
// Without a database (tests, embedding) the last 500 stay in memory.
import type { SqliteDatabase } from '../webhooks/SqliteWebhookOutbox.js';
import type { PageRequest, PageResult } from '../store/Store.js';

export interface JobRecordBase {
  id: string;
  roomId: string;
  sessionId: string;
  start: Date;
  end: Date | null;
  status: 'ongoing' | 'ended' | 'failed';
}

const KEEP_IN_MEMORY = 500;

interface Row {
  data: string;
  status: JobRecordBase['status'];
  end_at: number | null;
}

export class JobRecords<R extends JobRecordBase> {
  private readonly byId = new Map<string, R>();

  constructor(
    private readonly kind: 'livestream' | 'hls',
    private readonly db?: SqliteDatabase,
  ) {}

  /** At boot: the jobs a previous run left 'ongoing' (it died), now saved as failed with `error`. */
  cutOff(error: string): R[] {
    if (!this.db) return [];
    const rows = this.db.prepare(`SELECT data, status, end_at FROM stream_jobs WHERE kind = ? AND status = 'ongoing'`).all(this.kind) as Row[];
    return rows.map((row) => {
      const record = this.revive(row);
      record.status = 'failed';
      record.end = new Date();
      (record as R & { error?: string }).error = error;
      this.save(record);
      return record;
    });
  }

  /** Forgets a job (DELETE of a kept stream). */
  remove(id: string): void {
    this.byId.delete(id);
    this.db?.prepare(`DELETE FROM stream_jobs WHERE id = ? AND kind = ?`).run(id, this.kind);
  }

  add(record: R): R {
    this.byId.set(record.id, record);
    if (this.byId.size > KEEP_IN_MEMORY) {
      for (const [id, r] of this.byId) {
        if (r.status !== 'ongoing') {
          this.byId.delete(id);
          break;
        }
      }
    }
    this.db
      ?.prepare(`INSERT INTO stream_jobs (id, kind, room_id, session_id, status, start_at, end_at, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(record.id, this.kind, record.roomId, record.sessionId, record.status, record.start.getTime(), record.end?.getTime() ?? null, JSON.stringify(record));
    return record;
  }

  /** Writes a changed record through (status, end, destinations, URLs). */
  save(record: R): void {
    this.db
      ?.prepare(`UPDATE stream_jobs SET status = ?, end_at = ?, data = ? WHERE id = ? AND kind = ?`)
      .run(record.status, record.end?.getTime() ?? null, JSON.stringify(record), record.id, this.kind);
  }

  get(id: string): R | undefined {
    const live = this.byId.get(id);
    if (live || !this.db) return live;
    const row = this.db.prepare(`SELECT data, status, end_at FROM stream_jobs WHERE id = ? AND kind = ?`).get(id, this.kind) as Row | undefined;
    return row ? this.revive(row) : undefined;
  }

  /** Newest first, optionally of one room and/or session. */
  list(filter: { roomId?: string; sessionId?: string }, page: PageRequest): PageResult<R> {
    if (!this.db) {
      const all = [...this.byId.values()]
        .filter((r) => (filter.roomId === undefined || r.roomId === filter.roomId) && (filter.sessionId === undefined || r.sessionId === filter.sessionId))
        .reverse();
      const from = (page.page - 1) * page.perPage;
      return { items: all.slice(from, from + page.perPage), total: all.length };
    }
    const where = ['kind = ?'];
    const args: unknown[] = [this.kind];
    if (filter.roomId !== undefined) {
      where.push('room_id = ?');
      args.push(filter.roomId);
    }
    if (filter.sessionId !== undefined) {
      where.push('session_id = ?');
      args.push(filter.sessionId);
    }
    const w = where.join(' AND ');
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM stream_jobs WHERE ${w}`).get(...args) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT data, status, end_at FROM stream_jobs WHERE ${w} ORDER BY start_at DESC, rowid DESC LIMIT ? OFFSET ?`)
      .all(...args, page.perPage, (page.page - 1) * page.perPage) as Row[];
    return { items: rows.map((r) => this.byId.get((JSON.parse(r.data) as R).id) ?? this.revive(r)), total };
  }

  private revive(row: Row): R {
    // Status and end come from the columns: a boot after a crash closes rows, not their JSON.
    const data = JSON.parse(row.data) as R & { start: string };
    return { ...data, start: new Date(data.start), status: row.status, end: row.end_at === null ? null : new Date(row.end_at) };
  }
}
