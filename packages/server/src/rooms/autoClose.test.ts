import { afterEach, describe, expect, it, vi } from 'vitest';
import { LeaveReason, type ServerEvent } from '@roomkit/protocol';
import { RoomManager } from './RoomManager.js';
import type { MediaEngine } from '../media/types.js';
import type { RoomDirectory, SessionObserver } from './hooks.js';

/** Media is not under test here: every command succeeds with an empty result. */
const media: MediaEngine = { request: async () => ({}) as never, onEvent() {}, async close() {} };

function sink() {
  const events: ServerEvent[] = [];
  return { events, send: (e: ServerEvent) => events.push(e), disconnect() {} };
}

const join = async (rooms: RoomManager, s: ReturnType<typeof sink>) => {
  const { participant } = await rooms.join({ meetingId: 'r1', name: 'A', metaData: null, mode: 'SIGNALLING_ONLY', permissions: ['allow_join'] }, s);
  participant.sink.release(0); // as the signaling connection does once the join response is out
};

afterEach(() => {
  vi.useRealTimers();
});

describe('autoCloseConfig.duration', () => {
  it('ends the session for everyone when its maximum duration (minutes) runs out', async () => {
    vi.useFakeTimers();
    const ended: string[] = [];
    const observer: SessionObserver = {
      sessionStarted() {},
      sessionEnded: (ref) => ended.push(ref.sessionId),
      participantJoined() {},
      participantLeft() {},
    };
    const directory: RoomDirectory = { roomForJoin: async (roomId) => ({ roomId, disabled: false, autoCloseConfig: { type: 'session-ends', duration: 2 } }) };
    const rooms = new RoomManager(media, { maxParticipantsPerRoom: 10 }, { observer, directory });
    const a = sink();
    await join(rooms, a);
    await vi.advanceTimersByTimeAsync(119_000);
    expect(a.events.some((e) => e.t === 'meetingLeft')).toBe(false);
    await vi.advanceTimersByTimeAsync(2_000);
    const left = a.events.find((e) => e.t === 'meetingLeft');
    expect(left).toMatchObject({ reason: { code: LeaveReason.ROOM_CLOSE } });
    expect((left as { reason: { message: string } }).reason.message).toMatch(/maximum duration of 2 minutes/);
    expect(ended).toHaveLength(1);
  });

  it('without a duration the session lasts until everyone leaves', async () => {
    vi.useFakeTimers();
    const rooms = new RoomManager(media, { maxParticipantsPerRoom: 10 });
    const a = sink();
    await join(rooms, a);
    await vi.advanceTimersByTimeAsync(24 * 3600_000);
    expect(a.events.some((e) => e.t === 'meetingLeft')).toBe(false);
  });
});
