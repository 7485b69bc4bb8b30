// REST sessions endpoints in-process: list, fetch with timelogs, end, remove participant; bad inputs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, type SessionResponse } from '@roomkit/protocol';
import { startRestApiFixture, type RestApiFixture } from '../../test/helpers/restApiFixture.js';

let api: RestApiFixture;
let roomId: string;
beforeEach(async () => {
  api = await startRestApiFixture();
  roomId = (await api.post('/v2/rooms', { customRoomId: 'team' })).json().roomId;
});
afterEach(async () => {
  await api?.close();
});

const t = (s: number) => new Date(Date.UTC(2024, 0, 1, 10, 0, s));
const invalid = (field: RegExp) => ({ statusCode: 400, error: { code: ErrorCode.ERROR_INVALID_PARAMETER, message: expect.stringMatching(field) } });

describe('GET /v2/sessions/:sessionId', () => {
  it('returns participants with one timelog entry per stay, ISO times and end null while ongoing', async () => {
    api.rooms.join(roomId, 's1', 'alice', 'Alice', t(0));
    api.rooms.join(roomId, 's1', 'bob', 'Bob', t(1));
    api.store.observer.participantLeft({ roomId, sessionId: 's1' }, { id: 'alice', name: 'Alice' }, t(3), { code: 1101, message: '' });
    api.rooms.join(roomId, 's1', 'alice', 'Alice', t(4));
    const res = await api.get('/v2/sessions/s1');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      id: 's1',
      roomId,
      start: t(0).toISOString(),
      end: null,
      status: 'ongoing',
      participants: [
        { participantId: 'alice', name: 'Alice', timelog: [{ start: t(0).toISOString(), end: t(3).toISOString() }, { start: t(4).toISOString(), end: null }] },
        { participantId: 'bob', name: 'Bob', timelog: [{ start: t(1).toISOString(), end: null }] },
      ],
      links: { get_room: `http://localhost:80/v2/rooms/${roomId}`, get_session: 'http://localhost:80/v2/sessions/s1' },
    } satisfies SessionResponse);
  });

  it('of an unknown session gets 404 naming sessionId', async () => {
    const res = await api.get('/v2/sessions/nope');
    expect(res.statusCode).toBe(404);
    expect(res.json().error.message).toBe('sessionId: no session "nope"');
  });
});

describe('GET /v2/sessions', () => {
  it('lists a room\'s sessions newest first, paged, by roomId or customRoomId', async () => {
    for (let i = 0; i < 3; i++) {
      api.rooms.join(roomId, `s${i}`, 'p', 'P', t(i * 10));
      await api.rooms.endMeeting(roomId);
    }
    api.rooms.join('elsewhere', 'x1', 'q');
    const res = await api.get(`/v2/sessions?roomId=${roomId}&perPage=2`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.pageInfo).toEqual({ currentPage: 1, perPage: 2, lastPage: 2, total: 3 });
    expect(body.data.map((s: SessionResponse) => [s.id, s.status])).toEqual([['s2', 'ended'], ['s1', 'ended']]);
    expect((await api.get('/v2/sessions?roomId=team&page=2&perPage=2')).json().data.map((s: SessionResponse) => s.id)).toEqual(['s0']);
    expect((await api.get('/v2/sessions')).json().pageInfo.total).toBe(4);
  });

  it.each([
    ['roomId=team&page=0', /^page: /],
    ['roomId=team&perPage=1000', /^perPage: must be at most 100/],
    ['roomId=team&perPage=ten', /^perPage: must be a positive integer/],
    ['roomId=bad%20id', /^roomId: /],
  ])('with %s gets 400 naming the parameter', async (query, field) => {
    expect((await api.get(`/v2/sessions?${query}`)).json()).toEqual(invalid(field));
  });

  it('of an unknown room gets 404 INVALID_MEETING_ID', async () => {
    const res = await api.get('/v2/sessions?roomId=nope');
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe(ErrorCode.INVALID_MEETING_ID);
  });
});

describe('POST /v2/sessions/end', () => {
  it('by roomId ends the live session and returns it ended', async () => {
    api.rooms.join(roomId, 's1', 'alice');
    const res = await api.post('/v2/sessions/end', { roomId });
    expect(res.statusCode).toBe(200);
    const session = res.json() as SessionResponse;
    expect(session).toMatchObject({ id: 's1', status: 'ended', end: expect.any(String) });
    expect(session.participants[0]!.timelog[0]!.end).not.toBeNull();
    expect(api.rooms.liveSession(roomId)).toBeNull();
  });

  it('by sessionId ends it; again returns the ended session unchanged', async () => {
    api.rooms.join(roomId, 's1', 'alice');
    const first = await api.post('/v2/sessions/end', { sessionId: 's1' });
    expect(first.json().status).toBe('ended');
    const again = await api.post('/v2/sessions/end', { sessionId: 's1', roomId: 'team' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
  });

  it('for a room without a live session gets 404', async () => {
    const res = await api.post('/v2/sessions/end', { roomId });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.message).toMatch(/no ongoing session/);
  });

  it('with a session of another room gets 400 naming sessionId', async () => {
    api.rooms.join('elsewhere', 'x1', 'q');
    expect((await api.post('/v2/sessions/end', { roomId, sessionId: 'x1' })).json()).toEqual(invalid(/^sessionId: session "x1" is not in room/));
    expect(api.rooms.liveSession('elsewhere')).not.toBeNull();
  });

  it.each([
    [{}, /^roomId: required \(or give sessionId\)/],
    [{ roomId: 1 }, /^roomId: Expected string/],
    [{ sessionId: ['s'] }, /^sessionId: Expected string/],
    [{ roomId: 'team', reason: 'x' }, /^reason: unknown field/],
  ])('with %j gets 400 naming the field', async (body, field) => {
    expect((await api.post('/v2/sessions/end', body)).json()).toEqual(invalid(field));
  });

  it('with unknown ids gets 404', async () => {
    expect((await api.post('/v2/sessions/end', { roomId: 'nope' })).statusCode).toBe(404);
    expect((await api.post('/v2/sessions/end', { sessionId: 'nope' })).statusCode).toBe(404);
  });
});

describe('POST /v2/sessions/participants/remove', () => {
  it('removes a participant from the live session and closes their timelog entry', async () => {
    api.rooms.join(roomId, 's1', 'alice');
    api.rooms.join(roomId, 's1', 'bob');
    const res = await api.post('/v2/sessions/participants/remove', { roomId, participantId: 'bob' });
    expect(res.statusCode).toBe(200);
    const session = res.json() as SessionResponse;
    expect(session.status).toBe('ongoing');
    expect(session.participants.find((p) => p.participantId === 'bob')!.timelog[0]!.end).not.toBeNull();
    expect(api.rooms.liveSession(roomId)?.participantIds).toEqual(['alice']);
  });

  it.each([
    ['a participant not in the session', () => ({ roomId, participantId: 'carol' })],
    ['a room without a live session', () => ({ roomId: 'team', participantId: 'alice' })],
    ['a sessionId that is not the live one', () => ({ roomId, participantId: 'alice', sessionId: 'old' })],
  ])('of %s gets 404 INVALID_PARTICIPANT_ID', async (label, make) => {
    if (!label.includes('without')) api.rooms.join(roomId, 's1', 'alice');
    const res = await api.post('/v2/sessions/participants/remove', make());
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe(ErrorCode.INVALID_PARTICIPANT_ID);
  });

  it('in an unknown room gets 404 INVALID_MEETING_ID', async () => {
    const res = await api.post('/v2/sessions/participants/remove', { roomId: 'nope', participantId: 'a' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe(ErrorCode.INVALID_MEETING_ID);
  });

  it.each([
    [{ roomId: 'team' }, /^participantId: Required/],
    [{ roomId: 'team', participantId: 7 }, /^participantId: Expected string/],
    [{ roomId: 'team', participantId: 'a', kick: 1 }, /^kick: unknown field/],
  ])('with %j gets 400 naming the field', async (body, field) => {
    expect((await api.post('/v2/sessions/participants/remove', body)).json()).toEqual(invalid(field));
  });
});
