import { describe, expect, it } from 'vitest';
import type { SessionObserver } from '../rooms/hooks.js';
import { combineObservers } from './combineObservers.js';
import { RoomWebhookCache } from './RoomWebhookCache.js';
import { WebhookSessionObserver } from './WebhookSessionObserver.js';
import type { WebhookSubscription } from './types.js';
import { configureLogging } from '../logger.js';

configureLogging('silent');

function setup(subs: Record<string, WebhookSubscription>, globalUrl?: string) {
  const queued: Array<{ roomId: string; url: string; body: any }> = [];
  const observer = new WebhookSessionObserver({
    queue: { enqueue: (roomId, url, body) => (queued.push({ roomId, url, body: JSON.parse(body) }), 'id') },
    subscriptions: { roomWebhook: (roomId) => subs[roomId] ?? null },
    globalUrl,
  });
  return { observer, queued };
}

const session = { roomId: 'abcd-efgh-ijkl', sessionId: 'sess1' };
const t0 = new Date('2025-01-02T03:04:05.000Z');
const t1 = new Date('2025-01-02T03:14:05.000Z');

describe('WebhookSessionObserver', () => {
  it('maps session and participant facts to VideoSDK-shaped bodies for the global URL', () => {
    const { observer, queued } = setup({}, 'http://global.example/h');
    observer.sessionStarted(session, t0);
    observer.participantJoined(session, { id: 'p1', name: 'Ada' }, t0);
    observer.participantLeft(session, { id: 'p1', name: 'Ada' }, t1, { code: 1101, message: 'left' });
    observer.sessionEnded(session, t1);
    expect(queued.map((q) => q.url)).toEqual(Array(4).fill('http://global.example/h'));
    expect(queued.map((q) => q.body)).toEqual([
      { webhookType: 'session-started', data: { meetingId: 'abcd-efgh-ijkl', sessionId: 'sess1', start: t0.toISOString() } },
      { webhookType: 'participant-joined', data: { meetingId: 'abcd-efgh-ijkl', sessionId: 'sess1', participantId: 'p1', participantName: 'Ada' } },
      {
        webhookType: 'participant-left',
        data: { meetingId: 'abcd-efgh-ijkl', sessionId: 'sess1', participantId: 'p1', participantName: 'Ada', reason: { code: 1101, message: 'left' } },
      },
      { webhookType: 'session-ended', data: { meetingId: 'abcd-efgh-ijkl', sessionId: 'sess1', start: t0.toISOString(), end: t1.toISOString() } },
    ]);
  });

  it("sends to the room's endpoint only the events its patterns match, and once when it equals the global URL", () => {
    const { observer, queued } = setup({ [session.roomId]: { endPoint: 'http://room.example/h', events: ['session-*'] } });
    observer.sessionStarted(session, t0);
    observer.participantJoined(session, { id: 'p1', name: 'Ada' }, t0);
    expect(queued.map((q) => [q.url, q.body.webhookType])).toEqual([['http://room.example/h', 'session-started']]);

    const same = setup({ [session.roomId]: { endPoint: 'http://g.example/', events: ['*'] } }, 'http://g.example/');
    same.observer.sessionStarted(session, t0);
    expect(same.queued).toHaveLength(1);
  });

  it("publish with an egress call's own URL adds it, once when it is also the room's endpoint or the global URL", () => {
    const { observer, queued } = setup({ [session.roomId]: { endPoint: 'http://room.example/h', events: ['recording-*'] } }, 'http://g.example/h');
    observer.publish(session, 'recording-started', { id: 'r1' }, 'http://call.example/h');
    observer.publish(session, 'recording-started', { id: 'r2' }, 'http://room.example/h');
    observer.publish(session, 'recording-started', { id: 'r3' }, 'HTTP://G.example:80/h');
    expect(queued.map((q) => `${q.url} ${q.body.data.id}`)).toEqual([
      'http://g.example/h r1',
      'http://room.example/h r1',
      'http://call.example/h r1',
      'http://g.example/h r2',
      'http://room.example/h r2',
      'http://g.example/h r3',
      'http://room.example/h r3',
    ]);
  });

  it('never throws, even when the queue does', () => {
    const observer = new WebhookSessionObserver({
      queue: { enqueue: () => { throw new Error('disk full'); } },
      subscriptions: { roomWebhook: () => null },
      globalUrl: 'http://g.example/',
    });
    expect(() => observer.sessionStarted(session, t0)).not.toThrow();
  });
});

describe('combineObservers', () => {
  it('calls every observer in order, even after one throws', () => {
    const calls: string[] = [];
    const make = (name: string, fail = false): SessionObserver => ({
      sessionStarted: () => { calls.push(name); if (fail) throw new Error('boom'); },
      sessionEnded: () => {},
      participantJoined: () => {},
      participantLeft: () => {},
    });
    combineObservers(make('a', true), make('b')).sessionStarted(session, t0);
    expect(calls).toEqual(['a', 'b']);
  });
});

describe('RoomWebhookCache', () => {
  it('refreshes a room subscription on each allowed join through the wrapped directory', async () => {
    let current: WebhookSubscription | null = { endPoint: 'http://a.example/', events: ['*'] };
    const cache = new RoomWebhookCache(async () => current);
    const directory = cache.wrap({ roomForJoin: async (roomId) => ({ roomId, disabled: false }) });
    expect(cache.roomWebhook('r1')).toBeNull();
    await directory.roomForJoin('r1');
    expect(cache.roomWebhook('r1')).toEqual(current);
    current = null;
    await directory.roomForJoin('r1');
    expect(cache.roomWebhook('r1')).toBeNull();
  });
});
