import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../store/migrations.js';
import { JobRecords, type JobRecordBase } from './JobRecords.js';

type Rec = JobRecordBase & { outputs: { url: string; status: string }[] };

const rec = (id: string, roomId: string, startMs: number): Rec => ({
  id,
  roomId,
  sessionId: `s-${roomId}`,
  start: new Date(startMs),
  end: null,
  status: 'ongoing',
  outputs: [{ url: 'rtmp://a/live', status: 'connecting' }],
});

describe('JobRecords', () => {
  it('writes through to stream_jobs, lists newest first by room with paging, and cutOff() after a restart fails what was ongoing', () => {
    const db = new Database(':memory:');
    migrate(db);
    const records = new JobRecords<Rec>('livestream', db);
    const a = records.add(rec('a', 'r1', 1000));
    records.add(rec('b', 'r2', 2000));
    records.add(rec('c', 'r1', 3000));
    a.outputs[0]!.status = 'failed';
    a.status = 'failed';
    a.end = new Date(4000);
    records.save(a);
    expect(records.list({ roomId: 'r1' }, { page: 1, perPage: 10 }).items.map((r) => r.id)).toEqual(['c', 'a']);
    const second = records.list({}, { page: 2, perPage: 2 });
    expect(second).toMatchObject({ total: 3, items: [{ id: 'a' }] });
    // Another kind does not see them.
    expect(new JobRecords<Rec>('hls', db).list({}, { page: 1, perPage: 10 }).total).toBe(0);

    const afterRestart = new JobRecords<Rec>('livestream', db);
    expect(afterRestart.cutOff('killed').map((r) => r.id).sort()).toEqual(['b', 'c']);
    const revived = afterRestart.get('a')!;
    expect(revived).toMatchObject({ status: 'failed', outputs: [{ status: 'failed' }] });
    expect(revived.start).toEqual(new Date(1000));
    expect(revived.end).toEqual(new Date(4000));
    const cutShort = afterRestart.get('c')!;
    expect(cutShort).toMatchObject({ status: 'failed', error: 'killed' });
    expect(cutShort.end!.getTime()).toBeGreaterThan(4000);
    db.close();
  });

  it('keeps records in memory without a database', () => {
    const records = new JobRecords<Rec>('hls');
    records.add(rec('x', 'r', 1));
    records.add(rec('y', 'r', 2));
    expect(records.list({ roomId: 'r' }, { page: 1, perPage: 1 })).toMatchObject({ total: 2, items: [{ id: 'y' }] });
    expect(records.get('x')?.id).toBe('x');
  });
});
