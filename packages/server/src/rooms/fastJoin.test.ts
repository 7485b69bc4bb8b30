// Joining a room where others publish: the consumes queue right behind the new subscriber
// transport (before it is even confirmed), while every event to the newcomer - its subscriber
// offer included - waits until the join response is out. The media engine is scripted here (the
// real one is exercised by the integration tests); what is checked is the order of things.
import { describe, expect, it } from 'vitest';
import type { ServerEvent } from '@roomkit/protocol';
import { RoomManager } from './RoomManager.js';
import type { MediaCommand, MediaEngine, MediaEvent } from '../media/types.js';

function scriptedMedia() {
  const commands: MediaCommand[] = [];
  let emit: (event: MediaEvent) => void = () => {};
  let confirmSubscriber: () => void = () => {};
  let producers = 0;
  const media: MediaEngine = {
    async request(command) {
      const c = command as MediaCommand;
      commands.push(c);
      switch (c.op) {
        case 'createPublisher':
          return { answerSdp: 'answer', producerId: `prod-${++producers}` } as never;
        case 'createSubscriber':
          if (commands.filter((x) => x.op === 'createSubscriber').length === 1) return {} as never;
          // The newcomer's transport: confirmed only when the test says so.
          return new Promise((resolve) => (confirmSubscriber = () => resolve({} as never)));
        case 'consume':
          // The worker offers the slot before the consume resolves (as SubscriberTransport does).
          emit({ ev: 'subscriberOffer', transportId: c.subscriberId, offerSdp: 'offer' });
          return { mid: '0' } as never;
        default:
          return {} as never;
      }
    },
    onEvent(listener) {
      emit = listener;
    },
    async close() {},
  };
  return { media, commands, confirm: () => confirmSubscriber() };
}

function sink() {
  const events: ServerEvent[] = [];
  return { events, send: (e: ServerEvent) => events.push(e), disconnect() {} };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('joining a room with published streams', () => {
  it('consumes go to the media engine right behind createSubscriber; events reach the newcomer only after release, in order', async () => {
    const { media, commands, confirm } = scriptedMedia();
    const rooms = new RoomManager(media, { maxParticipantsPerRoom: 10 });
    const base = { meetingId: 'r1', metaData: null, mode: 'SEND_AND_RECV' as const, permissions: ['allow_join'] };

    const alice = sink();
    const a = await rooms.join({ ...base, name: 'Alice' }, alice);
    a.participant.sink.release(0);
    await a.room.publish(a.participant, 'video', 'offer', false);

    const bob = sink();
    const joining = rooms.join({ ...base, name: 'Bob' }, bob);
    await flush();
    // Bob's transport is not confirmed yet, but his consume of Alice's camera is already asked for.
    const ops = commands.map((c) => c.op);
    expect(ops.slice(ops.lastIndexOf('createSubscriber'))).toEqual(['createSubscriber', 'consume']);
    await flush();
    expect(bob.events).toEqual([]); // the subscriber offer is held: no join response yet
    confirm();
    const b = await joining;
    expect(bob.events).toEqual([]);

    // What the signaling connection does once the response is out.
    b.participant.sink.release(0);
    b.room.consumeExisting(b.participant);
    await flush();
    expect(bob.events.map((e) => e.t)).toEqual(['subscriberOffer', 'consume']);
    expect(bob.events.map((e) => (e as { seq?: number }).seq)).toEqual([1, 2]);
    // The early consume was used, not asked for twice.
    expect(commands.filter((c) => c.op === 'consume' && c.subscriberId === b.participant.subscriberTransportId)).toHaveLength(1);
  });
});
