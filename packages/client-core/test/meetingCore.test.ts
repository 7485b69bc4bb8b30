// MeetingCore without a network or a browser: the server-event table, participant bookkeeping,
// pins, egress state, the lobby, and bad input — driven through a scripted fake signaling server.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ServerEvent } from '@roomkit/protocol';
import { dispatchServerEvent, type ServerEventHandlers } from '../src/index.js';
import { FakeServer, TestMeeting, joinResult, participantInfo, settle } from './fakeSignaling.js';

const live: TestMeeting[] = [];
afterEach(async () => {
  vi.useRealTimers();
  // Leaves (stops ping timers) whatever a test left joined.
  for (const m of live.splice(0)) await m.leave();
});

async function joined(result = joinResult(), opts: { deferJoinedEvent?: boolean } = {}): Promise<{ server: FakeServer; meeting: TestMeeting }> {
  const server = new FakeServer();
  server.answers.join = () => ({ ok: true, data: result });
  const meeting = new TestMeeting(server, opts);
  live.push(meeting);
  await meeting.join();
  await settle();
  return { server, meeting };
}

/** One event of every type the protocol has (the table's type keeps this list complete). */
const ONE_OF_EACH: { [K in ServerEvent['t']]: Extract<ServerEvent, { t: K }> } = {
  participantJoined: { t: 'participantJoined', participant: participantInfo('p1') },
  participantLeft: { t: 'participantLeft', participantId: 'p1', reason: { code: 1001, message: 'gone' } },
  participantModeChanged: { t: 'participantModeChanged', participantId: 'p1', mode: 'RECV_ONLY' },
  streamEnabled: { t: 'streamEnabled', participantId: 'p1', stream: { id: 's1', kind: 'audio' } as never },
  streamDisabled: { t: 'streamDisabled', participantId: 'p1', streamId: 's1', kind: 'audio' },
  subscriberOffer: { t: 'subscriberOffer', sdp: 'v=0' },
  consume: { t: 'consume', participantId: 'p1', streamId: 's1', kind: 'audio', mid: '0' },
  speakerChanged: { t: 'speakerChanged', participantId: 'p1' },
  videoQualityChanged: { t: 'videoQualityChanged', participantId: 'p1', streamId: 's1', quality: 'low' },
  presenterChanged: { t: 'presenterChanged', participantId: null },
  pinStateChanged: { t: 'pinStateChanged', participantId: 'p1', state: { cam: true, share: false }, pinnedBy: 'me' },
  pubsubMessage: { t: 'pubsubMessage', message: { id: 'm', topic: 'x', message: 'hi', senderId: 'p1', senderName: 'P', timestamp: 1 } as never },
  realtimeStoreChanged: { t: 'realtimeStoreChanged', key: 'k', value: 'v', updatedBy: 'p1' },
  data: { t: 'data', from: 'p1', timestamp: 1, payload: 'hello', binary: false, reliability: 'RELIABLE' },
  meetingLeft: { t: 'meetingLeft', reason: { code: 1002, message: 'ended' } },
  mediaReset: { t: 'mediaReset' },
  entryRequested: { t: 'entryRequested', participantId: 'p2', name: 'Ann' },
  entryResponded: { t: 'entryResponded', participantId: 'p2', decision: 'allowed' },
  mediaDisabledByModerator: { t: 'mediaDisabledByModerator', kind: 'audio', byParticipantId: 'p1' },
  mediaRequested: { t: 'mediaRequested', kind: 'video', byParticipantId: 'p1' },
  egressState: { t: 'egressState', kind: 'recording', status: 'RECORDING_STARTED' } as never,
  error: { t: 'error', error: { code: 4003, message: 'slow down' } },
};

describe('dispatchServerEvent', () => {
  it('calls exactly the handler named by each event type, with the event', () => {
    const calls: Array<[string, unknown]> = [];
    const table = Object.fromEntries(Object.keys(ONE_OF_EACH).map((t) => [t, (e: unknown) => void calls.push([t, e])])) as unknown as ServerEventHandlers;
    for (const ev of Object.values(ONE_OF_EACH)) dispatchServerEvent(table, ev as ServerEvent);
    expect(calls.map(([t]) => t)).toEqual(Object.keys(ONE_OF_EACH));
    for (const [t, e] of calls) expect((e as { t: string }).t).toBe(t);
  });

  it('ignores a type the table does not know (an event from a newer server)', () => {
    const table = { error: vi.fn() } as unknown as ServerEventHandlers;
    expect(() => dispatchServerEvent(table, { t: 'fromTheFuture' } as unknown as ServerEvent)).not.toThrow();
    expect(table.error).not.toHaveBeenCalled();
  });
});

describe('join and participant bookkeeping', () => {
  it('applies the join result: remote participants, speaker, pins and egress; CONNECTING → CONNECTED; meeting-joined then participant-joined; media told to start', async () => {
    const { meeting } = await joined(
      joinResult({
        participants: [participantInfo('ada', 'Ada')],
        activeSpeakerId: 'ada',
        pinnedParticipants: [{ participantId: 'ada', state: { cam: true, share: false } }],
        egress: [{ kind: 'hls', status: 'HLS_PLAYABLE', playbackHlsUrl: '/hls/room/1/playback.m3u8' } as never],
      }),
    );
    expect(meeting.states()).toEqual(['CONNECTING', 'CONNECTED']);
    expect([...meeting.participants.keys()]).toEqual(['ada']);
    expect(meeting.activeSpeakerId).toBe('ada');
    expect(meeting.pinnedParticipants.get('ada')).toEqual({ cam: true, share: false });
    expect(meeting.named('pin-state-changed')).toEqual([]); // join-time pins are state, not news
    expect(meeting.hlsState).toBe('HLS_PLAYABLE');
    expect(meeting.hlsUrls.playbackHlsUrl).toBe('https://rk.example/hls/room/1/playback.m3u8');
    const order = meeting.events.map((e) => e.ev).filter((e) => e === 'meeting-joined' || e === 'participant-joined');
    expect(order).toEqual(['meeting-joined', 'participant-joined']);
    expect(meeting.mediaCalls.map(([n]) => n)).toEqual(['participantAdded', 'joined']);
  });

  it('deferJoinedEvent: join() resolves before meeting-joined, which follows in a later task', async () => {
    const server = new FakeServer();
    server.answers.join = () => ({ ok: true, data: joinResult() });
    const meeting = new TestMeeting(server, { deferJoinedEvent: true });
    await meeting.join();
    expect(meeting.named('meeting-joined')).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 5));
    expect(meeting.named('meeting-joined')).toHaveLength(1);
  });

  it('participantJoined adds (never ourselves), participantLeft removes with its pins; the platform hears of both', async () => {
    const { server, meeting } = await joined();
    server.event({ t: 'participantJoined', participant: participantInfo('me') });
    server.event({ t: 'participantJoined', participant: participantInfo('bob', 'Bob') });
    server.event({ t: 'pinStateChanged', participantId: 'bob', state: { cam: false, share: true }, pinnedBy: 'bob' });
    await settle();
    expect([...meeting.participants.keys()]).toEqual(['bob']);
    expect(meeting.pinnedParticipants.get('bob')).toEqual({ cam: false, share: true });
    expect(meeting.named('pin-state-changed')).toEqual([[{ participantId: 'bob', state: { cam: false, share: true }, pinnedBy: 'bob' }]]);
    server.event({ t: 'participantLeft', participantId: 'bob', reason: { code: 1001, message: 'left' } });
    server.event({ t: 'participantLeft', participantId: 'nobody', reason: { code: 1001, message: 'left' } });
    await settle();
    expect(meeting.participants.size).toBe(0);
    expect(meeting.pinnedParticipants.size).toBe(0);
    const [[who, info]] = meeting.named('participant-left') as [[{ id: string }, unknown]];
    expect(who.id).toBe('bob');
    expect(info).toEqual({ reason: 1001, message: 'left' });
    expect(meeting.mediaCalls.filter(([n]) => n === 'participantGone')).toEqual([['participantGone', 'bob']]);
  });

  it('events reach handlers in arrival order; media events go to the platform; meetingLeft ends the meeting once', async () => {
    const { server, meeting } = await joined(joinResult({ participants: [participantInfo('ada')] }));
    server.event({ t: 'subscriberOffer', sdp: 'v=0' });
    server.event({ t: 'consume', participantId: 'ada', streamId: 's', kind: 'video', mid: '1' });
    server.event({ t: 'videoQualityChanged', participantId: 'ada', streamId: 's', quality: 'low' });
    server.event({ t: 'speakerChanged', participantId: 'ada' });
    server.event({ t: 'data', from: 'ada', timestamp: 5, payload: 'aGk=', binary: true, reliability: 'UNRELIABLE' });
    server.event({ t: 'meetingLeft', reason: { code: 1002, message: 'ended' } });
    server.event({ t: 'speakerChanged', participantId: null });
    await settle();
    expect(meeting.mediaCalls.map(([n]) => n)).toEqual(['participantAdded', 'joined', 'subscriberOffer', 'consume', 'close']);
    expect(meeting.participants.get('ada')).toBeUndefined();
    expect(meeting.named('speaker-changed')).toEqual([['ada']]); // nothing after meeting-left
    const [[data]] = meeting.named('data') as [[{ payload: Uint8Array }]];
    expect(new TextDecoder().decode(data.payload)).toBe('hi');
    expect(meeting.named('meeting-left')).toEqual([[{ reason: 1002, message: 'ended' }]]);
    expect(meeting.states().at(-1)).toBe('DISCONNECTED');
  });
});

describe('lobby and moderation', () => {
  it('an asker sees its own entry-requested while join() waits, and joins once allowed', async () => {
    const server = new FakeServer();
    server.answers.join = () => 'silent';
    const meeting = new TestMeeting(server);
    const joining = meeting.join();
    await settle();
    server.last.deliver({ t: 'entryRequested', participantId: 'me', name: 'Me' });
    server.last.deliver({ t: 'entryResponded', participantId: 'me', decision: 'allowed' });
    await settle();
    expect(meeting.named('entry-requested')).toHaveLength(1);
    expect(meeting.named('entry-responded')).toEqual([['me', 'allowed']]);
    const join = server.last.sent.find((m) => m.t === 'join')!;
    server.last.deliver({ t: 'res', rid: join.rid, ok: true, data: joinResult() });
    await joining;
    expect(meeting.meetingState).toBe('CONNECTED');
  });

  it("a host's allow() answers respondEntry; a moderator's mic request accepted asks the platform to turn the mic on; a disable turns it off", async () => {
    const { server, meeting } = await joined();
    server.event({ t: 'entryRequested', participantId: 'ann', name: 'Ann' });
    await settle();
    const [[request]] = meeting.named('entry-requested') as [[{ allow(): void }]];
    request.allow();
    await settle();
    expect(server.last.sent.find((m) => m.t === 'respondEntry')).toMatchObject({ participantId: 'ann', decision: 'allowed' });

    server.event({ t: 'mediaRequested', kind: 'audio', byParticipantId: 'host' });
    server.event({ t: 'mediaDisabledByModerator', kind: 'video', byParticipantId: 'host' });
    await settle();
    const [[ask]] = meeting.named('mic-requested') as [[{ participantId: string; accept(): void }]];
    expect(ask.participantId).toBe('host');
    ask.accept();
    ask.accept(); // answered once
    await settle();
    expect(meeting.mediaCalls.filter(([n]) => n === 'setOwnMedia')).toEqual([
      ['setOwnMedia', { kind: 'video', enabled: false }],
      ['setOwnMedia', { kind: 'audio', enabled: true }],
    ]);
  });
});

describe('bad input and refusals', () => {
  it('before join: send, pubSub and egress are refused with 3035 and an error event; leave() too', async () => {
    const meeting = new TestMeeting(new FakeServer());
    await expect(meeting.send('x')).rejects.toMatchObject({ code: 3035 });
    await expect(meeting.startRecording()).rejects.toMatchObject({ code: 3035 });
    await expect(meeting.pubSub.publish('t', 'm')).rejects.toMatchObject({ code: 3035 });
    await meeting.leave();
    expect(meeting.named('error').length).toBeGreaterThanOrEqual(3);
  });

  it('no token: join() rejects with INVALID_TOKEN and the state is FAILED', async () => {
    const meeting = new TestMeeting(new FakeServer(), { token: undefined });
    await expect(meeting.join()).rejects.toMatchObject({ name: expect.any(String) });
    expect(meeting.meetingState).toBe('FAILED');
  });

  it('a refused join rejects with the server code; the socket is closed', async () => {
    const server = new FakeServer();
    server.answers.join = () => ({ ok: false, error: { code: 4001, message: 'bad token' } });
    const meeting = new TestMeeting(server);
    await expect(meeting.join()).rejects.toMatchObject({ code: 4001 });
    expect(server.last.closedWith).toBe(1000);
  });

  it('pin() with an unknown type and setQuality() with an unknown quality are refused without a request', async () => {
    const { server, meeting } = await joined(joinResult({ participants: [participantInfo('ada')] }));
    const ada = meeting.participants.get('ada')!;
    ada.pin('BOTH' as never);
    await expect(ada.setQuality('ultra' as never)).rejects.toMatchObject({ code: expect.any(Number) });
    await expect(meeting.send('x', { reliability: 'SOMETIMES' })).rejects.toBeTruthy();
    expect(meeting.named('error').length).toBe(1);
    expect(server.last.sent.filter((m) => m.t === 'setPin' || m.t === 'setQuality' || m.t === 'sendData')).toEqual([]);
  });

  it('the local participant cannot moderate itself', async () => {
    const { meeting } = await joined();
    await expect(meeting.localParticipant.remove()).rejects.toMatchObject({ code: expect.any(Number) });
  });
});
