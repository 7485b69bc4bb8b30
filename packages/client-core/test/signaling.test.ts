// The core's signaling state machines with fake sockets: ping timeout, resume after a drop (with
// lastSeq and the replayed events), giving up when the server refuses, and PubSub delivery.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LeaveReason } from '@roomkit/protocol/errors';
import { CLOSE_CODE_RECONNECTING } from '@roomkit/protocol/constants';
import { Logger, PING_INTERVAL_MS, PING_TIMEOUT_MS, SignalingClient } from '../src/index.js';
import { FakeServer, TestMeeting, joinResult, participantInfo, settle } from './fakeSignaling.js';

afterEach(() => {
  vi.useRealTimers();
});

async function joined(server = new FakeServer()): Promise<{ server: FakeServer; meeting: TestMeeting }> {
  server.answers.join ??= () => ({ ok: true, data: joinResult({ participants: [participantInfo('ada')] }) });
  const meeting = new TestMeeting(server);
  await meeting.join();
  await settle();
  return { server, meeting };
}

describe('SignalingClient', () => {
  it('a ping unanswered within the timeout counts as a drop: the socket is closed (4000) and onUnexpectedClose runs once', async () => {
    vi.useFakeTimers();
    const server = new FakeServer();
    server.answers.ping = () => 'silent';
    const closes: string[] = [];
    const client = new SignalingClient('ws://fake', { onEvent: () => {}, onUnexpectedClose: (_c, reason) => void closes.push(reason) }, new Logger(false), server.createSocket);
    const connecting = client.connect();
    await vi.advanceTimersByTimeAsync(0);
    await connecting;
    await vi.advanceTimersByTimeAsync(PING_INTERVAL_MS);
    expect(server.last.sent.filter((m) => m.t === 'ping')).toHaveLength(1);
    expect(closes).toEqual([]);
    await vi.advanceTimersByTimeAsync(PING_TIMEOUT_MS + 10);
    expect(closes).toEqual(['ping timeout']);
    expect(server.last.closedWith).toBe(CLOSE_CODE_RECONNECTING);
    expect(client.isOpen).toBe(false);
    await vi.advanceTimersByTimeAsync(PING_INTERVAL_MS * 3);
    expect(closes).toHaveLength(1);
  });

  it('answered pings keep the connection; close() rejects pending requests and is not a drop', async () => {
    vi.useFakeTimers();
    const server = new FakeServer();
    server.answers.slow = () => 'silent';
    const closes: unknown[] = [];
    const client = new SignalingClient('ws://fake', { onEvent: () => {}, onUnexpectedClose: (c) => void closes.push(c) }, new Logger(false), server.createSocket);
    const connecting = client.connect();
    await vi.advanceTimersByTimeAsync(0);
    await connecting;
    await vi.advanceTimersByTimeAsync(PING_INTERVAL_MS * 4);
    expect(server.last.sent.filter((m) => m.t === 'ping').length).toBe(4);
    expect(client.isOpen).toBe(true);
    const pending = client.request({ t: 'slow' } as never);
    client.close();
    await expect(pending).rejects.toMatchObject({ code: 5000 });
    expect(closes).toEqual([]);
    expect(server.last.closedWith).toBe(1000);
  });

  it('a frame that is not JSON is ignored; events are handled one at a time in arrival order', async () => {
    const server = new FakeServer();
    const seen: string[] = [];
    const client = new SignalingClient(
      'ws://fake',
      {
        onEvent: async (ev) => {
          seen.push(`start ${ev.t}`);
          await new Promise((r) => setTimeout(r, 5));
          seen.push(`end ${ev.t}`);
        },
        onUnexpectedClose: () => {},
      },
      new Logger(false),
      server.createSocket,
    );
    await client.connect();
    server.last.onmessage?.({ data: '{not json' });
    server.last.deliver({ t: 'mediaReset', seq: 1 });
    server.last.deliver({ t: 'speakerChanged', participantId: null, seq: 2 });
    await new Promise((r) => setTimeout(r, 30));
    expect(seen).toEqual(['start mediaReset', 'end mediaReset', 'start speakerChanged', 'end speakerChanged']);
    expect(client.lastSeq).toBe(2);
    client.close();
  });
});

describe('resume', () => {
  it('a dropped socket: RECONNECTING, a new socket sends resume with the token and lastSeq, CONNECTED, the platform repairs media; same participant, nobody left', async () => {
    const { server, meeting } = await joined();
    server.event({ t: 'speakerChanged', participantId: 'ada' });
    server.event({ t: 'speakerChanged', participantId: null });
    await settle();
    const first = server.last;
    first.drop();
    await vi.waitFor(() => expect(server.sockets.length).toBe(2));
    await vi.waitFor(() => expect(meeting.meetingState).toBe('CONNECTED'));
    const resume = server.last.sent.find((m) => m.t === 'resume');
    expect(resume).toMatchObject({ meetingId: 'room', participantId: 'me', resumeToken: 'secret', lastSeq: 2 });
    expect(meeting.states()).toEqual(['CONNECTING', 'CONNECTED', 'RECONNECTING', 'CONNECTED']);
    expect(meeting.mediaCalls.filter(([n]) => n === 'resumed')).toHaveLength(1);
    expect(meeting.localParticipant.id).toBe('me');
    expect(meeting.participants.has('ada')).toBe(true);
    expect(meeting.named('meeting-left')).toEqual([]);
    // Events on the new socket are handled as before.
    server.event({ t: 'presenterChanged', participantId: 'ada' });
    await settle();
    expect(meeting.activePresenterId).toBe('ada');
    await meeting.leave();
  });

  it('while reconnecting, actions are refused with ERROR_MEETING_RECONNECTING; sockets that fail to open are retried', async () => {
    const { server, meeting } = await joined();
    server.accepting = false;
    server.last.drop();
    await vi.waitFor(() => expect(meeting.meetingState).toBe('RECONNECTING'));
    await expect(meeting.send('x')).rejects.toMatchObject({ code: 3065 });
    await vi.waitFor(() => expect(server.sockets.length).toBeGreaterThanOrEqual(3), { timeout: 5_000 });
    server.accepting = true;
    await vi.waitFor(() => expect(meeting.meetingState).toBe('CONNECTED'), { timeout: 10_000 });
    await meeting.leave();
  });

  it('the server refuses the resume (participant gone): meeting-left WEBSOCKET_DISCONNECTED, no more attempts', async () => {
    const server = new FakeServer();
    server.answers.resume = () => ({ ok: false, error: { code: 4005, message: 'unknown participant' } });
    const { meeting } = await joined(server);
    server.last.drop();
    await vi.waitFor(() => expect(meeting.named('meeting-left')).toHaveLength(1));
    expect(meeting.named('meeting-left')[0]![0]).toMatchObject({ reason: LeaveReason.WEBSOCKET_DISCONNECTED, message: 'unknown participant' });
    const count = server.sockets.length;
    await new Promise((r) => setTimeout(r, 600));
    expect(server.sockets.length).toBe(count);
    expect(meeting.meetingState).toBe('DISCONNECTED');
  });

  it('with no grace period there is no resume: the drop ends the meeting', async () => {
    const server = new FakeServer();
    server.answers.join = () => ({ ok: true, data: joinResult({ reconnectGraceSeconds: 0 }) });
    const { meeting } = await joined(server);
    server.last.drop();
    await settle();
    expect(server.sockets).toHaveLength(1);
    expect(meeting.named('meeting-left')[0]![0]).toMatchObject({ reason: LeaveReason.WEBSOCKET_DISCONNECTED });
  });
});

describe('PubSub', () => {
  it('delivers a topic to its subscribers (a throwing one does not stop the rest), returns persisted messages, and stops after unsubscribe', async () => {
    const persisted = [{ id: 'old', topic: 'chat', message: 'earlier', senderId: 'ada', senderName: 'Ada', timestamp: 1 }];
    const server = new FakeServer();
    server.answers.pubsubSubscribe = () => ({ ok: true, data: { messages: persisted } });
    const { meeting } = await joined(server);
    const got: string[] = [];
    const thrower = () => {
      throw new Error('app bug');
    };
    const old = await meeting.pubSub.subscribe('chat', thrower);
    await meeting.pubSub.subscribe('chat', (m) => got.push(m.message));
    expect(old).toEqual(persisted);
    server.event({ t: 'pubsubMessage', message: { id: '1', topic: 'chat', message: 'hi', senderId: 'ada', senderName: 'Ada', timestamp: 2 } as never });
    server.event({ t: 'pubsubMessage', message: { id: '2', topic: 'other', message: 'nope', senderId: 'ada', senderName: 'Ada', timestamp: 3 } as never });
    await settle();
    expect(got).toEqual(['hi']);
    await meeting.pubSub.unsubscribe('chat', thrower);
    await meeting.pubSub.publish('chat', 'mine', { persist: true });
    expect(server.last.sent.find((m) => m.t === 'pubsubPublish')).toMatchObject({ topic: 'chat', message: 'mine', persist: true });
    await expect(meeting.pubSub.publish('chat', 42 as never)).rejects.toMatchObject({ code: expect.any(Number) });
    await meeting.leave();
    await expect(meeting.pubSub.subscribe('chat', () => {})).rejects.toMatchObject({ code: 3035 });
  });
});
