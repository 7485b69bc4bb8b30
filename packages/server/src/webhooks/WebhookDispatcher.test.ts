// The outbox and dispatcher on a real SQLite file against a real local HTTP receiver.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../store/migrations.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../test/helpers/webhookReceiver.js';
import { SqliteWebhookOutbox } from './SqliteWebhookOutbox.js';
import { WebhookDispatcher, type WebhookDispatcherOptions } from './WebhookDispatcher.js';
import { configureLogging } from '../logger.js';

configureLogging('silent');

const secret = 'test-secret';
const dir = mkdtempSync(join(tmpdir(), 'roomkit-webhooks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileSeq = 0;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function openDb(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  migrate(db);
  return db;
}

function open(path: string, opts: Partial<WebhookDispatcherOptions> = {}) {
  const db = openDb(path);
  const outbox = new SqliteWebhookOutbox(db);
  const dispatcher = new WebhookDispatcher({ outbox, secret, backoffBaseMs: 10, backoffCapMs: 80, pollIntervalMs: 10, ...opts });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await dispatcher.stop();
    db.close();
  };
  cleanups.push(close);
  return { db, outbox, dispatcher, close };
}

async function receiver(): Promise<WebhookReceiver> {
  const r = await startWebhookReceiver(secret);
  cleanups.push(() => r.close());
  return r;
}

const body = (room: string, n: number) => JSON.stringify({ webhookType: 'participant-joined', data: { meetingId: room, sessionId: 's', n } });
const nOf = (r: { json: any }) => r.json.data.n;

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('WebhookDispatcher', () => {
  it('delivers each room in enqueue order while the receiver fails some requests; rooms proceed in parallel', async () => {
    const rx = await receiver();
    const { dispatcher } = open(join(dir, `${++fileSeq}.db`));
    rx.failNext(5);
    for (let n = 0; n < 6; n++) {
      dispatcher.enqueue('room-a', rx.url, body('room-a', n));
      dispatcher.enqueue('room-b', rx.url, body('room-b', n));
    }
    dispatcher.start();
    const got = await rx.waitForAccepted(12);
    for (const room of ['room-a', 'room-b']) {
      expect(got.filter((r) => r.json.data.meetingId === room).map(nOf)).toEqual([0, 1, 2, 3, 4, 5]);
    }
    // A later delivery of a room is never even attempted before the earlier one was accepted.
    for (const room of ['room-a', 'room-b']) {
      const attempts = rx.requests.filter((r) => r.json.data.meetingId === room);
      for (let i = 1; i < attempts.length; i++) {
        if (nOf(attempts[i]) !== nOf(attempts[i - 1])) expect(attempts[i - 1].status).toBe(200);
      }
    }
    expect(rx.requests.every((r) => r.signatureValid && r.contentType === 'application/json')).toBe(true);
    expect(rx.requests.filter((r) => r.status === 500)).toHaveLength(5);
  });

  it('keeps one delivery id across retries and backs off exponentially up to the cap, then abandons after the retry window', async () => {
    let clock = 1_000_000;
    const requests: Array<{ id: string; at: number }> = [];
    const failing: typeof fetch = async (_url, init) => {
      requests.push({ id: (init!.headers as Record<string, string>)['Roomkit-Webhook-Id'], at: clock });
      return new Response('no', { status: 503 });
    };
    const { dispatcher, outbox } = open(join(dir, `${++fileSeq}.db`), {
      fetch: failing,
      now: () => clock,
      backoffBaseMs: 1000,
      backoffCapMs: 8000,
      maxRetryAgeMs: 60_000,
    });
    const id = dispatcher.enqueue('room-a', 'http://127.0.0.1:9/x', body('room-a', 0));
    const second = dispatcher.enqueue('room-a', 'http://127.0.0.1:9/x', body('room-a', 1));
    dispatcher.start();
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 6; attempt++) {
      await until(async () => (await outbox.get(id))!.attempts === attempt, `attempt ${attempt}`);
      const row = (await outbox.get(id))!;
      expect(row.status).toBe('pending');
      expect(row.lastError).toBe('HTTP 503');
      delays.push(row.nextAttemptAt - clock);
      clock = row.nextAttemptAt - 1; // not yet due: nothing may be sent
      await new Promise((r) => setTimeout(r, 30));
      expect((await outbox.get(id))!.attempts).toBe(attempt);
      if (attempt < 6) clock += 1;
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    expect(new Set(requests.map((r) => r.id))).toEqual(new Set([id])); // the second waited its turn
    clock = 1_000_000 + 60_000;
    await until(async () => (await outbox.get(id))!.status === 'failed', 'abandonment');
    expect((await outbox.get(id))!.attempts).toBe(7);
    // The queue moves on once the head is abandoned.
    await until(async () => (await outbox.get(second))!.attempts >= 1, 'the next delivery');
  });

  it('a restart mid-retry (dispatcher and database closed, reopened on the same file) loses nothing and keeps order', async () => {
    const rx = await receiver();
    const path = join(dir, `${++fileSeq}.db`);
    const first = open(path, { backoffBaseMs: 50, backoffCapMs: 50 });
    rx.failNext(1000);
    for (let n = 0; n < 4; n++) first.dispatcher.enqueue('room-a', rx.url, body('room-a', n));
    first.dispatcher.enqueue('room-b', rx.url, body('room-b', 0));
    first.dispatcher.start();
    await until(() => rx.requests.length >= 3, 'a few failed attempts');
    await first.close();
    await rx.down();
    rx.failNext(2);

    const second = open(path, { backoffBaseMs: 10, backoffCapMs: 40 });
    second.dispatcher.start();
    second.dispatcher.enqueue('room-a', rx.url, body('room-a', 4));
    await new Promise((r) => setTimeout(r, 100)); // it retries against a closed port meanwhile
    await rx.up();
    const got = await rx.waitForAccepted(6);
    expect(got.filter((r) => r.json.data.meetingId === 'room-a').map(nOf)).toEqual([0, 1, 2, 3, 4]);
    expect(got.filter((r) => r.json.data.meetingId === 'room-b').map(nOf)).toEqual([0]);
    expect(new Set(got.map((r) => r.id)).size).toBe(6);
    expect(got.every((r) => r.signatureValid)).toBe(true);
    const statuses = () => second.db.prepare(`SELECT status, COUNT(*) AS n FROM webhook_outbox GROUP BY status`).all();
    await until(() => JSON.stringify(statuses()) === JSON.stringify([{ status: 'delivered', n: 6 }]), 'all rows delivered');
  });

  it('with a slow receiver, keeps at most `concurrency` rooms in flight, one request per room at a time', async () => {
    let inFlight = 0;
    let peak = 0;
    let overlapped = false;
    const perRoom = new Map<string, number>();
    const slow: typeof fetch = async (_url, init) => {
      const room = JSON.parse(String(init!.body)).data.meetingId as string;
      inFlight++;
      perRoom.set(room, (perRoom.get(room) ?? 0) + 1);
      peak = Math.max(peak, inFlight);
      if (perRoom.get(room) !== 1) overlapped = true;
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      perRoom.set(room, perRoom.get(room)! - 1);
      return new Response('ok');
    };
    const { dispatcher, db } = open(join(dir, `${++fileSeq}.db`), { fetch: slow, concurrency: 2 });
    for (let n = 0; n < 3; n++) for (const room of ['r1', 'r2', 'r3', 'r4', 'r5']) dispatcher.enqueue(room, 'http://127.0.0.1:9/x', body(room, n));
    dispatcher.start();
    const delivered = () => (db.prepare(`SELECT COUNT(*) AS n FROM webhook_outbox WHERE status = 'delivered'`).get() as { n: number }).n;
    await until(() => delivered() === 15, 'all deliveries');
    expect(peak).toBe(2);
    expect(overlapped).toBe(false);
  });

  it('prune() deletes finished deliveries older than the cutoff and keeps pending ones', async () => {
    const { outbox } = open(join(dir, `${++fileSeq}.db`));
    for (const [id, createdAt] of [['old-done', 1000], ['old-failed', 1000], ['old-pending', 1000], ['new-done', 5000]] as const) {
      outbox.enqueue({ id, roomId: 'r', url: 'http://127.0.0.1:9/x', body: '{}', createdAt });
    }
    await outbox.markDelivered('old-done', 1);
    await outbox.markFailed('old-failed', 9, 'HTTP 500');
    await outbox.markDelivered('new-done', 1);
    expect(await outbox.prune(2000)).toBe(2);
    expect(await outbox.get('old-pending')).toMatchObject({ status: 'pending' });
    expect(await outbox.get('new-done')).toMatchObject({ status: 'delivered' });
    expect(await outbox.get('old-done')).toBeUndefined();
  });

  it('stop() returns promptly with a request in flight to a receiver that never answers, leaving it pending', async () => {
    const { outbox, dispatcher, close } = open(join(dir, `${++fileSeq}.db`), {
      stopGraceMs: 20,
      fetch: (_url, init) => new Promise((_resolve, reject) => init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason))),
    });
    const id = dispatcher.enqueue('room-a', 'http://127.0.0.1:9/x', body('room-a', 0));
    dispatcher.start();
    await new Promise((r) => setTimeout(r, 30));
    await dispatcher.stop();
    expect(await outbox.get(id)).toMatchObject({ status: 'pending', attempts: 0 });
    await close();
  });
});
