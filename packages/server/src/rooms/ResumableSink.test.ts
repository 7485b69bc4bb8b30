import { describe, expect, it } from 'vitest';
import type { SequencedEvent } from '@roomkit/protocol';
import { REPLAY_HISTORY, ResumableSink, type ConnectionSink } from './ResumableSink.js';

class FakeConnection implements ConnectionSink {
  readonly sent: SequencedEvent[] = [];
  disconnected = false;
  send(event: SequencedEvent): void {
    this.sent.push(event);
  }
  disconnect(): void {
    this.disconnected = true;
  }
}

const speaker = (n: number) => ({ t: 'speakerChanged', participantId: `p${n}` }) as const;

describe('ResumableSink', () => {
  it('numbers events from 1 and passes them to the connection', () => {
    const conn = new FakeConnection();
    const sink = new ResumableSink(conn);
    sink.send(speaker(1));
    sink.send(speaker(2));
    expect(conn.sent.map((e) => e.seq)).toEqual([1, 2]);
    expect(sink.lastSeq).toBe(2);
  });

  it('ephemeral events (data messages) go out without seq, are not kept, and are dropped while holding or detached', () => {
    const conn = new FakeConnection();
    const sink = new ResumableSink(conn, true);
    const data = { t: 'data', from: 'p1', timestamp: 1, payload: 'x', binary: false, reliability: 'RELIABLE' } as const;
    sink.sendEphemeral(data); // before the join response: dropped
    sink.send(speaker(1));
    sink.release(0);
    sink.sendEphemeral(data);
    sink.send(speaker(2));
    expect(conn.sent.map((e) => [e.t, e.seq])).toEqual([['speakerChanged', 1], ['data', undefined], ['speakerChanged', 2]]);
    expect(sink.lastSeq).toBe(2);
    expect(sink.canReplayFrom(1)).toBe(true);
    sink.detach(conn);
    sink.sendEphemeral(data);
    expect(conn.sent).toHaveLength(3);
  });

  it('after detach, keeps events; attach holds live ones until release replays everything after lastSeq in order', () => {
    const old = new FakeConnection();
    const sink = new ResumableSink(old);
    sink.send(speaker(1));
    sink.send(speaker(2)); // sent into a socket that is already dead
    expect(sink.detach(old)).toBe(true);
    sink.send(speaker(3));
    const fresh = new FakeConnection();
    expect(sink.attach(fresh)).toBeNull();
    sink.send(speaker(4)); // held: the resume response has not gone out yet
    expect(fresh.sent).toEqual([]);
    expect(sink.release(1)).toBe(3);
    sink.send(speaker(5));
    expect(fresh.sent.map((e) => [e.seq, (e as { participantId: string }).participantId])).toEqual([
      [2, 'p2'],
      [3, 'p3'],
      [4, 'p4'],
      [5, 'p5'],
    ]);
  });

  it('attach returns the still-open previous connection so the caller closes it; detach by a stale connection is ignored', () => {
    const old = new FakeConnection();
    const sink = new ResumableSink(old);
    const fresh = new FakeConnection();
    expect(sink.attach(fresh)).toBe(old);
    expect(sink.detach(old)).toBe(false);
    expect(sink.connection).toBe(fresh);
  });

  it('canReplayFrom is false past the kept history or for a seq it never sent', () => {
    const sink = new ResumableSink(new FakeConnection());
    for (let i = 0; i < REPLAY_HISTORY + 10; i++) sink.send(speaker(i));
    expect(sink.canReplayFrom(sink.lastSeq)).toBe(true);
    expect(sink.canReplayFrom(sink.lastSeq - REPLAY_HISTORY)).toBe(true);
    expect(sink.canReplayFrom(5)).toBe(false);
    expect(sink.canReplayFrom(sink.lastSeq + 1)).toBe(false);
  });
});
