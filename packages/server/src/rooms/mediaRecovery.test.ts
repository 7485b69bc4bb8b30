// A meeting whose media worker died is rebuilt (routerLost → recoverMedia); when that rebuild fails
// too (the worker it went to died meanwhile), the server must not crash on an unhandled rejection,
// and the next routerLost rebuilds it (issue #14, supervised workers).
import { describe, expect, it } from 'vitest';
import { RoomManager } from './RoomManager.js';
import type { MediaCommand, MediaEngine, MediaEvent } from '../media/types.js';

describe('RoomManager on routerLost', () => {
  it('a rebuild whose createRouter rejects leaves no unhandled rejection; the next routerLost rebuilds', async () => {
    let emit: (e: MediaEvent) => void = () => {};
    let failCreate = false;
    const created: string[] = [];
    const media: MediaEngine = {
      request: async (command) => {
        const c = command as MediaCommand;
        if (c.op === 'createRouter') {
          if (failCreate) throw new Error('media worker 1 exited');
          created.push(c.routerId);
        }
        return {} as never;
      },
      onEvent: (listener) => (emit = listener),
      async close() {},
    };
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const rooms = new RoomManager(media, { maxParticipantsPerRoom: 10 });
      const sent: string[] = [];
      const { participant } = await rooms.join({ meetingId: 'r1', name: 'A', metaData: null, mode: 'SEND_AND_RECV', permissions: ['allow_join'] }, { send: (e) => sent.push(e.t), disconnect() {} });
      participant.sink.release(0);
      const routerId = created[0]!;
      failCreate = true;
      emit({ ev: 'routerLost', routerId });
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled).toEqual([]);
      failCreate = false;
      emit({ ev: 'routerLost', routerId });
      await new Promise((r) => setTimeout(r, 50));
      expect(created.filter((id) => id === routerId).length).toBe(2);
      expect(sent).toContain('mediaReset');
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
