/**
 * What a pubsub subscribe costs the main thread when a topic has had 100k persisted messages:
 * publishes them through the store's archive (as `publish(..., {persist: true})` does), then times
 * `history()` (what every `subscribe()` runs). Also times the same read on a database whose topic
 * holds 100k rows written straight into the table (one upgraded from a server without retention).
 * Usage: node --import tsx bench/pubsub-history.ts [rows=100000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PubSubMessage } from '@roomkit/protocol';
import { SqliteStore } from '../packages/server/src/store/SqliteStore.js';

const ROWS = Number(process.argv[2] ?? 100_000);
const READS = 20;

function message(i: number, topic: string): PubSubMessage {
  return { id: `m${i}`, topic, message: `chat message number ${i} with some text in it`, senderId: 'alice', senderName: 'Alice', timestamp: new Date().toISOString() };
}

function time(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function stats(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return `median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)} ms, max ${sorted[sorted.length - 1]!.toFixed(2)} ms`;
}

const dir = mkdtempSync(join(tmpdir(), 'roomkit-bench-pubsub-'));
try {
  const store = new SqliteStore({ file: join(dir, 'roomkit.db'), requireRoomCreation: false });
  const session = { roomId: 'bench', sessionId: 'bench-session' };
  store.observer.sessionStarted(session, new Date());

  // 1. Through the archive, as publishes persist them.
  const appendMs: number[] = [];
  for (let i = 0; i < ROWS; i++) {
    const ms = time(() => store.archive.append(session, message(i, 'chat'), null));
    if (i % 100 === 0) appendMs.push(ms);
  }
  let returned = 0;
  const readMs = Array.from({ length: READS }, () => time(() => (returned = store.archive.history(session, 'chat', 'bob').length)));
  const kept = (store.database.prepare('SELECT COUNT(*) AS n FROM pubsub_messages WHERE topic = ?').get('chat') as { n: number }).n;

  // 2. Rows written straight into the table (no retention applied): the read alone.
  const insert = store.database.prepare('INSERT INTO pubsub_messages (session_id, topic, message, recipients) VALUES (?, ?, ?, NULL)');
  store.database.transaction(() => {
    for (let i = 0; i < ROWS; i++) insert.run(session.sessionId, 'legacy', JSON.stringify(message(i, 'legacy')));
  })();
  let legacyReturned = 0;
  const legacyMs = Array.from({ length: READS }, () => time(() => (legacyReturned = store.archive.history(session, 'legacy', 'bob').length)));

  console.log(`pubsub, ${ROWS} persisted messages published to one topic of one session:`);
  console.log(`  publish (archive.append): ${stats(appendMs)} (every 100th of ${ROWS} sampled); rows kept: ${kept}`);
  console.log(`  subscribe (archive.history): ${stats(readMs)} over ${READS} reads; messages returned: ${returned}`);
  console.log(`${ROWS} rows inserted straight into the table (a database from before retention):`);
  console.log(`  subscribe (archive.history): ${stats(legacyMs)} over ${READS} reads; messages returned: ${legacyReturned}`);
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
