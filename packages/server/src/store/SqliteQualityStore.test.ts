// Call quality samples in SQLite on a real file: migration 8, recording and paging, the cap per
// participant, retention pruning in batches, and persistence across reopen.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from './SqliteStore.js';
import { MIGRATIONS, migrate } from './migrations.js';
import { QUALITY_PRUNE_BATCH } from './SqliteQualityStore.js';
import type { QualitySample } from '../rooms/quality/types.js';

let dir: string;
let file: string;
const open: SqliteStore[] = [];

function openStore(options: { qualitySamplesPerParticipant?: number; qualityRetentionDays?: number } = {}): SqliteStore {
  const store = new SqliteStore({ file, requireRoomCreation: false, ...options });
  open.push(store);
  return store;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roomkit-quality-'));
  file = join(dir, 'roomkit.db');
});
afterEach(async () => {
  for (const store of open.splice(0)) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

// A day ago: inside the default 30-day retention, so the boot prune leaves them alone.
const base = Date.now() - 86_400_000;
const at = (s: number) => new Date(base + s * 1000);
const sample = (participantId: string, s: number, lossPct = 1, source: 'server' | 'sdk' = 'server'): QualitySample => ({
  sessionId: 'sess', roomId: 'room', participantId, at: at(s), source,
  send: { video: { lossPct, jitterMs: 3, bitrateBps: 500_000, rttMs: 20 }, audio: { lossPct, jitterMs: 2, bitrateBps: 40_000, rttMs: 20 } },
  recv: { audio: { lossPct: 0, jitterMs: 1, bitrateBps: 40_000, rttMs: null } },
  audioScore: 4.3, videoScore: 4.1,
});

describe('quality samples store', () => {
  it('migration 8 creates quality_samples with its indexes on a database at version 7', () => {
    const db = new Database(join(dir, 'm.db'));
    migrate(db, MIGRATIONS.filter((m) => m.version <= 7));
    expect(migrate(db)).toEqual([8]);
    const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'quality_samples'").all() as Array<{ name: string }>).map((r) => r.name);
    expect(indexes).toEqual(expect.arrayContaining(['quality_key', 'quality_session_at', 'quality_at']));
    db.close();
  });

  it('records samples and pages a participant oldest first, figures and scores intact, across a reopen', async () => {
    const store = openStore();
    store.quality.record([sample('ada', 0), sample('bo', 0)]);
    store.quality.record([sample('ada', 5, 5), sample('bo', 5)]);
    store.quality.record([sample('ada', 10, 7)]);
    await store.close();
    const again = openStore();
    const page1 = await again.participantQuality('sess', 'ada', 'server', { page: 1, perPage: 2 });
    expect(page1.total).toBe(3);
    expect(page1.items.map((s) => s.at.getTime())).toEqual([at(0).getTime(), at(5).getTime()]);
    expect(page1.items[1]).toMatchObject({ participantId: 'ada', source: 'server', audioScore: 4.3, videoScore: 4.1, send: { video: { lossPct: 5 } }, recv: { audio: { rttMs: null } } });
    const page2 = await again.participantQuality('sess', 'ada', 'server', { page: 2, perPage: 2 });
    expect(page2.items.map((s) => s.send.video?.lossPct)).toEqual([7]);
  });

  it('sessionQuality answers one row per sample time, every participant of that time averaged', async () => {
    const store = openStore();
    store.quality.record([sample('ada', 0, 2), { ...sample('bo', 0, 4), audioScore: 3.3, recv: {} }]);
    store.quality.record([sample('ada', 5, 6)]);
    const res = await store.sessionQuality('sess', 'server', { page: 1, perPage: 10 });
    expect(res.total).toBe(2);
    expect(res.items.map((i) => i.send.video?.lossPct)).toEqual([3, 6]);
    expect(res.items[0]!.audioScore).toBe(3.8);
    expect(res.items[0]!.recv.audio).toEqual({ lossPct: 0, jitterMs: 1, bitrateBps: 40_000, rttMs: null });
    expect((await store.sessionQuality('other', 'server', { page: 1, perPage: 10 })).total).toBe(0);
    // The session rows are not a participant's.
    expect((await store.participantQuality('sess', 'ada', 'server', { page: 1, perPage: 10 })).total).toBe(2);
  });

  it('keeps SDK reports apart from server samples, and remembers the device and SDK they named', async () => {
    const store = openStore();
    store.quality.record([sample('ada', 0)]);
    store.quality.record([{ ...sample('ada', 1, 2, 'sdk'), device: { name: 'Chrome', version: '156' }, sdk: { name: 'roomkit-js', version: '0.2.0' } }]);
    expect((await store.participantQuality('sess', 'ada', 'sdk', { page: 1, perPage: 10 })).total).toBe(1);
    expect((await store.participantQuality('sess', 'ada', 'server', { page: 1, perPage: 10 })).total).toBe(1);
    expect(await store.participantQualityClient('sess', 'ada')).toEqual({ device: { name: 'Chrome', version: '156' }, sdk: { name: 'roomkit-js', version: '0.2.0' } });
    expect(await store.participantQualityClient('sess', 'bo')).toBeNull();
  });

  it('beyond the cap per participant the oldest samples go, and other participants keep theirs', async () => {
    const store = openStore({ qualitySamplesPerParticipant: 10 });
    for (let i = 0; i < 25; i++) store.quality.record([sample('ada', i)]);
    store.quality.record([sample('bo', 0)]);
    const ada = await store.participantQuality('sess', 'ada', 'server', { page: 1, perPage: 100 });
    expect(ada.total).toBe(10);
    expect(ada.items[0]!.at.getTime()).toBe(at(15).getTime());
    expect(ada.items[9]!.at.getTime()).toBe(at(24).getTime());
    expect((await store.participantQuality('sess', 'bo', 'server', { page: 1, perPage: 100 })).total).toBe(1);
  });

  it('pruneQuality deletes only samples older than the cutoff, in several bounded batches', async () => {
    const store = openStore();
    const old = Array.from({ length: QUALITY_PRUNE_BATCH * 2 + 5 }, (_, i) => sample(`p${i % 50}`, i));
    store.quality.record(old);
    const recent = Date.now();
    store.quality.record([{ ...sample('ada', 0), at: new Date(recent) }]);
    const deleted = await store.pruneQuality(new Date(recent - 1000));
    expect(deleted).toBe(old.length * 2); // each moment also had its session row
    expect((await store.sessionQuality('sess', 'server', { page: 1, perPage: 10 })).total).toBe(1);
    expect((await store.participantQuality('sess', 'ada', 'server', { page: 1, perPage: 10 })).total).toBe(1);
  });

  it('at boot samples past qualityRetentionDays are pruned and recent ones stay', async () => {
    const first = openStore();
    first.quality.record([{ ...sample('ada', 0), at: new Date(Date.now() - 3 * 86_400_000) }, { ...sample('ada', 1), at: new Date(Date.now() - 60_000) }]);
    await first.close();
    const store = openStore({ qualityRetentionDays: 2 });
    await new Promise((r) => setTimeout(r, 50)); // the boot prune runs on the next turn
    const left = await store.participantQuality('sess', 'ada', 'server', { page: 1, perPage: 10 });
    expect(left.total).toBe(1);
    expect(Date.now() - left.items[0]!.at.getTime()).toBeLessThan(86_400_000);
  });

  it('record after close is dropped without throwing (the rooms layer must never see a store error)', async () => {
    const store = openStore();
    await store.close();
    expect(() => store.quality.record([sample('ada', 0)])).not.toThrow();
  });
});
