// SqliteStore on a real file in a temp dir: migrations, rooms, sessions with timelogs and rejoins,
// persistence across reopen, crash recovery, pubsub history.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PubSubMessage } from '@roomkit/protocol';
import { SqliteStore, generateRoomId } from './SqliteStore.js';
import { MIGRATIONS, migrate } from './migrations.js';

let dir: string;
let file: string;
const open: SqliteStore[] = [];

function openStore(requireRoomCreation = false): SqliteStore {
  const store = new SqliteStore({ file, requireRoomCreation });
  open.push(store);
  return store;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'roomkit-store-'));
  file = join(dir, 'roomkit.db');
});
afterEach(async () => {
  for (const store of open.splice(0)) await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const t = (s: number) => new Date(Date.UTC(2024, 0, 1, 10, 0, s));
const ref = (sessionId: string, roomId = 'room-a') => ({ roomId, sessionId });
const left = { code: 1101, message: 'left' };

describe('migrations', () => {
  const versions = MIGRATIONS.map((m) => m.version);
  const next = Math.max(...versions) + 1;

  it('migrate on a new database applies every version once, in order, and records them', () => {
    const db = new Database(join(dir, 'm.db'));
    expect(versions[0]).toBe(1);
    expect(migrate(db)).toEqual(versions);
    expect(migrate(db)).toEqual([]);
    const rows = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    db.close();
  });

  it('migrate with an appended version applies only the new one', () => {
    const db = new Database(join(dir, 'm.db'));
    migrate(db);
    const more = [...MIGRATIONS, { version: next, name: 'extra', sql: 'CREATE TABLE extra (id TEXT)' }];
    expect(migrate(db, more)).toEqual([next]);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'extra'").get()).toBeTruthy();
    db.close();
  });

  it('a failing migration leaves nothing behind and is not recorded', () => {
    const db = new Database(join(dir, 'm.db'));
    migrate(db);
    const bad = [...MIGRATIONS, { version: next, name: 'bad', sql: 'CREATE TABLE half (id TEXT); NOT SQL' }];
    expect(() => migrate(db, bad)).toThrow();
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    expect(db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get()).toEqual({ v: next - 1 });
    db.close();
  });

  it('opening a database newer than the code fails with a clear message', () => {
    const db = new Database(file);
    migrate(db, [...MIGRATIONS, { version: next + 50, name: 'future', sql: 'SELECT 1' }]);
    db.close();
    expect(() => openStore()).toThrow(new RegExp(`schema version ${next + 50}`));
  });

  it('the store opens its file in WAL mode', () => {
    const store = openStore();
    expect(store.database.pragma('journal_mode', { simple: true })).toBe('wal');
  });
});

describe('rooms', () => {
  it('createRoom generates abcd-efgh-ijkl ids and returns the existing room for a reused customRoomId', async () => {
    const store = openStore();
    const a = await store.createRoom({ customRoomId: 'standup', autoCloseConfig: { type: 'session-ends' } });
    expect(a.created).toBe(true);
    expect(a.room.roomId).toMatch(/^[a-z]{4}-[a-z]{4}-[a-z]{4}$/);
    const again = await store.createRoom({ customRoomId: 'standup' });
    expect(again).toEqual({ room: a.room, created: false });
    expect(await store.getRoom('standup')).toEqual(a.room);
    expect(await store.getRoom(a.room.roomId)).toEqual(a.room);
    expect(generateRoomId()).toMatch(/^[a-z]{4}-[a-z]{4}-[a-z]{4}$/);
  });

  it("createRoom with a customRoomId that is another room's roomId throws ERROR_INVALID_PARAMETER and creates nothing", async () => {
    const store = openStore();
    const other = (await store.createRoom({})).room;
    await store.directory.roomForJoin('walk-in');
    for (const taken of [other.roomId, 'walk-in']) {
      await expect(store.createRoom({ customRoomId: taken })).rejects.toMatchObject({
        codeName: 'ERROR_INVALID_PARAMETER',
        message: 'customRoomId: already used as a roomId',
      });
    }
    expect((await store.listRooms({ page: 1, perPage: 10 })).total).toBe(2);
    expect(await store.getRoom(other.roomId)).toEqual(other);
  });

  it('listRooms pages newest first with the total', async () => {
    const store = openStore();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await store.createRoom({})).room.roomId);
    const first = await store.listRooms({ page: 1, perPage: 2 });
    expect(first.total).toBe(5);
    expect(first.items.map((r) => r.roomId)).toEqual([ids[4], ids[3]]);
    const last = await store.listRooms({ page: 3, perPage: 2 });
    expect(last.items.map((r) => r.roomId)).toEqual([ids[0]]);
  });

  it('deactivateRoom disables joins; unknown rooms give null', async () => {
    const store = openStore();
    const { room } = await store.createRoom({});
    const off = await store.deactivateRoom(room.roomId);
    expect(off?.disabled).toBe(true);
    expect(await store.directory.roomForJoin(room.roomId)).toMatchObject({ disabled: true });
    expect(await store.deactivateRoom('nope')).toBeNull();
  });

  it('roomForJoin creates the room on first join, or refuses when rooms must be created first', async () => {
    const store = openStore();
    expect(await store.directory.roomForJoin('walk-in')).toEqual({ roomId: 'walk-in', disabled: false, autoCloseConfig: null });
    expect((await store.getRoom('walk-in'))?.roomId).toBe('walk-in');
    await store.close();
    const strict = openStore(true);
    expect(await strict.directory.roomForJoin('other')).toBeNull();
    expect(await strict.directory.roomForJoin('walk-in')).toMatchObject({ roomId: 'walk-in' });
  });
});

describe('sessions', () => {
  it('joins, a leave and a rejoin give one participant with two timelog entries', async () => {
    const store = openStore();
    const s = ref('s1');
    store.observer.sessionStarted(s, t(0));
    store.observer.participantJoined(s, { id: 'alice', name: 'Alice' }, t(0));
    store.observer.participantJoined(s, { id: 'bob', name: 'Bob' }, t(1));
    store.observer.participantLeft(s, { id: 'alice', name: 'Alice' }, t(5), left);
    store.observer.participantJoined(s, { id: 'alice', name: 'Alice' }, t(7));
    const live = await store.getSession('s1');
    expect(live).toEqual({
      id: 's1',
      roomId: 'room-a',
      start: t(0),
      end: null,
      participants: [
        { participantId: 'alice', name: 'Alice', timelog: [{ start: t(0), end: t(5) }, { start: t(7), end: null }] },
        { participantId: 'bob', name: 'Bob', timelog: [{ start: t(1), end: null }] },
      ],
    });
    store.observer.participantLeft(s, { id: 'bob', name: 'Bob' }, t(8), left);
    store.observer.participantLeft(s, { id: 'alice', name: 'Alice' }, t(9), left);
    store.observer.sessionEnded(s, t(9));
    const ended = await store.getSession('s1');
    expect(ended?.end).toEqual(t(9));
    expect(ended?.participants[0]!.timelog[1]).toEqual({ start: t(7), end: t(9) });
  });

  it('listSessions filters by room and pages newest first; getSession of an unknown id is null', async () => {
    const store = openStore();
    for (let i = 0; i < 3; i++) store.observer.sessionStarted(ref(`a${i}`), t(i));
    store.observer.sessionStarted(ref('b0', 'room-b'), t(10));
    const page = await store.listSessions({ roomId: 'room-a' }, { page: 1, perPage: 2 });
    expect(page.total).toBe(3);
    expect(page.items.map((s) => s.id)).toEqual(['a2', 'a1']);
    expect((await store.listSessions({}, { page: 1, perPage: 10 })).items.map((s) => s.id)).toEqual(['b0', 'a2', 'a1', 'a0']);
    expect(await store.getSession('missing')).toBeNull();
  });

  it('a room with session-end-and-deactivate is disabled when its session ends', async () => {
    const store = openStore();
    const { room } = await store.createRoom({ autoCloseConfig: { type: 'session-end-and-deactivate' } });
    const s = ref('s1', room.roomId);
    store.observer.sessionStarted(s, t(0));
    store.observer.sessionEnded(s, t(3));
    expect((await store.getRoom(room.roomId))?.disabled).toBe(true);
  });

  it('a reopened store returns the same rooms and sessions', async () => {
    const store = openStore();
    const { room } = await store.createRoom({ customRoomId: 'keep', webhook: { endPoint: 'http://127.0.0.1:9/h', events: ['*'] } });
    const s = ref('s1', room.roomId);
    store.observer.sessionStarted(s, t(0));
    store.observer.participantJoined(s, { id: 'p', name: 'P' }, t(0));
    store.observer.participantLeft(s, { id: 'p', name: 'P' }, t(4), left);
    store.observer.sessionEnded(s, t(4));
    const before = { room: await store.getRoom('keep'), session: await store.getSession('s1') };
    await store.close();
    const reopened = openStore();
    expect({ room: await reopened.getRoom('keep'), session: await reopened.getSession('s1') }).toEqual(before);
  });

  it('reopening after a crash closes ongoing sessions and open timelogs at the last activity', async () => {
    const store = openStore();
    const s = ref('s1');
    store.observer.sessionStarted(s, t(0));
    store.observer.participantJoined(s, { id: 'a', name: 'A' }, t(1));
    store.observer.participantJoined(s, { id: 'b', name: 'B' }, t(2));
    store.observer.participantLeft(s, { id: 'b', name: 'B' }, t(6), left);
    await store.close(); // no sessionEnded: the process "died"
    const reopened = openStore();
    const session = await reopened.getSession('s1');
    expect(session?.end).toEqual(t(6));
    expect(session?.participants.map((p) => p.timelog)).toEqual([[{ start: t(1), end: t(6) }], [{ start: t(2), end: t(6) }]]);
  });

  it('observer calls never throw, even after close', async () => {
    const store = openStore();
    await store.close();
    expect(() => store.observer.sessionStarted(ref('x'), t(0))).not.toThrow();
    expect(store.archive.history(ref('x'), 'CHAT', 'a')).toEqual([]);
  });
});

describe('pubsub archive', () => {
  const msg = (id: string, topic = 'CHAT'): PubSubMessage => ({
    id,
    topic,
    message: `m-${id}`,
    senderId: 'a',
    senderName: 'A',
    timestamp: t(0).toISOString(),
  });

  it('history returns a session topic in order, honours recipients, and survives reopen', async () => {
    const store = openStore();
    const s = ref('s1');
    store.archive.append(s, msg('1'), null);
    store.archive.append(s, msg('2'), ['a', 'b']);
    store.archive.append(s, msg('3', 'OTHER'), null);
    store.archive.append(ref('s2'), msg('4'), null);
    expect(store.archive.history(s, 'CHAT', 'b').map((m) => m.id)).toEqual(['1', '2']);
    expect(store.archive.history(s, 'CHAT', 'c').map((m) => m.id)).toEqual(['1']);
    await store.close();
    expect(openStore().archive.history(s, 'CHAT', 'a')).toEqual([msg('1'), msg('2')]);
  });

  const retention = { messagesPerTopic: 5, bytesPerTopic: 1_000_000, messagesPerSession: 12, bytesPerSession: 1_000_000 };
  const openLimited = (pubsub = retention) => {
    const store = new SqliteStore({ file, requireRoomCreation: false, pubsub });
    open.push(store);
    return store;
  };
  const rowsOf = (store: SqliteStore, topic?: string) =>
    (store.database.prepare(`SELECT COUNT(*) AS n FROM pubsub_messages${topic ? ' WHERE topic = ?' : ''}`).get(...(topic ? [topic] : [])) as { n: number }).n;

  it('append past messagesPerTopic deletes the oldest rows of that topic in the same write: a flood keeps the newest N', () => {
    const store = openLimited();
    const s = ref('flood');
    for (let i = 0; i < 200; i++) store.archive.append(s, msg(String(i)), null);
    expect(rowsOf(store, 'CHAT')).toBe(5);
    expect(store.archive.history(s, 'CHAT', 'a').map((m) => m.id)).toEqual(['195', '196', '197', '198', '199']);
  });

  it('append past bytesPerTopic deletes the oldest rows until the topic fits', () => {
    const store = openLimited({ ...retention, messagesPerTopic: 1000, bytesPerTopic: 1000 });
    const s = ref('bytes');
    const big = (id: string): PubSubMessage => ({ ...msg(id), message: 'x'.repeat(300) });
    for (let i = 0; i < 50; i++) store.archive.append(s, big(String(i)), null);
    const { bytes } = store.database.prepare('SELECT SUM(bytes) AS bytes FROM pubsub_messages').get() as { bytes: number };
    expect(bytes).toBeLessThanOrEqual(1000);
    expect(store.archive.history(s, 'CHAT', 'a').map((m) => m.id).at(-1)).toBe('49');
    expect(rowsOf(store)).toBe(2);
  });

  it('publishing to ever new topics is bounded by messagesPerSession and bytesPerSession, oldest first', () => {
    const store = openLimited();
    const s = ref('topics');
    for (let i = 0; i < 100; i++) store.archive.append(s, msg(String(i), `T${i}`), null);
    expect(rowsOf(store)).toBe(12);
    expect(store.archive.history(s, 'T0', 'a')).toEqual([]);
    expect(store.archive.history(s, 'T99', 'a').map((m) => m.id)).toEqual(['99']);
    const usage = store.database.prepare("SELECT COUNT(*) AS n FROM pubsub_usage WHERE topic <> ''").get() as { n: number };
    expect(usage.n).toBe(12); // emptied topics leave no usage row behind
    const small = openLimited({ ...retention, messagesPerTopic: 1000, messagesPerSession: 1000, bytesPerSession: 2000 });
    for (let i = 0; i < 100; i++) small.archive.append(ref('topics-bytes'), msg(String(i), `T${i}`), null);
    const { bytes } = small.database.prepare("SELECT SUM(bytes) AS bytes FROM pubsub_messages WHERE session_id = 'topics-bytes'").get() as { bytes: number };
    expect(bytes).toBeLessThanOrEqual(2000);
  });

  it('a session that ends drops its messages; ended sessions left by a crash are swept at open', async () => {
    const store = openLimited();
    store.observer.sessionStarted(ref('ends'), t(0));
    store.observer.sessionStarted(ref('crashed'), t(0));
    store.archive.append(ref('ends'), msg('1'), null);
    store.archive.append(ref('crashed'), msg('2'), null);
    store.archive.drop(ref('ends'));
    expect(store.archive.history(ref('ends'), 'CHAT', 'a')).toEqual([]);
    expect(rowsOf(store)).toBe(1);
    await store.close();
    const reopened = openLimited();
    expect(rowsOf(reopened)).toBe(0);
    expect(reopened.database.prepare('SELECT COUNT(*) AS n FROM pubsub_usage').get()).toEqual({ n: 0 });
  });

  it('history reads only the newest messagesPerTopic rows of a topic that holds more (a database from before retention)', () => {
    const store = openLimited();
    const insert = store.database.prepare("INSERT INTO pubsub_messages (session_id, topic, message, recipients) VALUES ('legacy', 'CHAT', ?, NULL)");
    for (let i = 0; i < 50; i++) insert.run(JSON.stringify(msg(String(i))));
    expect(store.archive.history(ref('legacy'), 'CHAT', 'a').map((m) => m.id)).toEqual(['45', '46', '47', '48', '49']);
  });
});
