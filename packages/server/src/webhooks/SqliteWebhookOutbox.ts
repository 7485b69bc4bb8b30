// The webhook outbox on SQLite (table `webhook_outbox`, created by store migration 2; `guarded` since 7). Takes the
// store's open database handle; every call is one short prepared statement.
import type { DeliveryState } from '@roomkit/protocol';
import type { DeliveryStatus, NewDelivery, OutboxDelivery, WebhookOutbox } from './types.js';
import { queueKey } from './types.js';

/** The slice of a better-sqlite3 `Database` this class uses. */
export interface SqliteDatabase {
  prepare(sql: string): {
    run(...params: unknown[]): { changes: number | bigint };
    get(...params: unknown[]): unknown;
    all(...params: unknown[]): unknown[];
  };
}

interface Row {
  id: string;
  room_id: string;
  url: string;
  body: string;
  attempts: number;
  next_attempt_at: number;
  status: DeliveryStatus;
  last_error: string | null;
  created_at: number;
  guarded: number;
}

function fromRow(row: Row): OutboxDelivery {
  return {
    id: row.id,
    roomId: row.room_id,
    url: row.url,
    body: row.body,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    status: row.status,
    lastError: row.last_error,
    createdAt: row.created_at,
    guarded: row.guarded === 1,
  };
}

const MAX_ERROR_LENGTH = 500;

/** The dashboard's states as SQL conditions on (status, attempts). */
const STATE_WHERE: Record<DeliveryState | 'all', string> = {
  all: '1 = 1',
  pending: `status = 'pending' AND attempts = 0`,
  retrying: `status = 'pending' AND attempts > 0`,
  delivered: `status = 'delivered'`,
  abandoned: `status = 'failed'`,
};

export class SqliteWebhookOutbox implements WebhookOutbox {
  private readonly insert;
  private readonly heads;
  private readonly delivered;
  private readonly retry;
  private readonly failed;
  private readonly pruneFinished;
  private readonly byId;
  private readonly listed;

  constructor(db: SqliteDatabase) {
    this.insert = db.prepare(
      `INSERT INTO webhook_outbox (id, room_id, url, body, attempts, next_attempt_at, status, created_at, guarded)
       VALUES (?, ?, ?, ?, 0, ?, 'pending', ?, ?)`,
    );
    // The head of a queue is its lowest seq still pending; only heads are ever handed out.
    this.heads = db.prepare(
      `SELECT * FROM webhook_outbox
       WHERE seq IN (SELECT MIN(seq) FROM webhook_outbox WHERE status = 'pending' GROUP BY room_id, url)
         AND next_attempt_at <= ?
       ORDER BY next_attempt_at, seq LIMIT ?`,
    );
    this.delivered = db.prepare(`UPDATE webhook_outbox SET status = 'delivered', attempts = ?, last_error = NULL WHERE id = ?`);
    this.retry = db.prepare(`UPDATE webhook_outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ? AND status = 'pending'`);
    this.failed = db.prepare(`UPDATE webhook_outbox SET status = 'failed', attempts = ?, last_error = ? WHERE id = ?`);
    this.pruneFinished = db.prepare(`DELETE FROM webhook_outbox WHERE status <> 'pending' AND created_at < ?`);
    this.byId = db.prepare(`SELECT * FROM webhook_outbox WHERE id = ?`);
    this.listed = Object.fromEntries(
      Object.entries(STATE_WHERE).map(([state, where]) => [
        state,
        {
          page: db.prepare(`SELECT * FROM webhook_outbox WHERE ${where} ORDER BY seq DESC LIMIT ? OFFSET ?`),
          count: db.prepare(`SELECT COUNT(*) AS n FROM webhook_outbox WHERE ${where}`),
        },
      ]),
    ) as Record<DeliveryState | 'all', { page: ReturnType<SqliteDatabase['prepare']>; count: ReturnType<SqliteDatabase['prepare']> }>;
  }

  enqueue(d: NewDelivery): void {
    this.insert.run(d.id, d.roomId, d.url, d.body, d.createdAt, d.createdAt, d.guarded ? 1 : 0);
  }

  async dueHeads(now: number, limit: number, busy: ReadonlySet<string>): Promise<OutboxDelivery[]> {
    if (limit <= 0) return [];
    const rows = this.heads.all(now, limit + busy.size) as Row[];
    return rows.map(fromRow).filter((d) => !busy.has(queueKey(d))).slice(0, limit);
  }

  async markDelivered(id: string, attempts: number): Promise<void> {
    this.delivered.run(attempts, id);
  }

  async markRetry(id: string, attempts: number, nextAttemptAt: number, error: string): Promise<void> {
    this.retry.run(attempts, nextAttemptAt, error.slice(0, MAX_ERROR_LENGTH), id);
  }

  async markFailed(id: string, attempts: number, error: string): Promise<void> {
    this.failed.run(attempts, error.slice(0, MAX_ERROR_LENGTH), id);
  }

  async prune(before: number): Promise<number> {
    return Number(this.pruneFinished.run(before).changes);
  }

  async get(id: string): Promise<OutboxDelivery | undefined> {
    const row = this.byId.get(id) as Row | undefined;
    return row && fromRow(row);
  }

  async list(filter: { state?: DeliveryState }, page: { page: number; perPage: number }): Promise<{ items: OutboxDelivery[]; total: number }> {
    const q = this.listed[filter.state ?? 'all'];
    const rows = q.page.all(page.perPage, (page.page - 1) * page.perPage) as Row[];
    return { items: rows.map(fromRow), total: (q.count.get() as { n: number }).n };
  }
}
