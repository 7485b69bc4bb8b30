// REST rooms endpoints in-process: happy paths and every bad input (unknown fields, wrong types,
// bad paging, unknown ids).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, type RoomResponse } from '@roomkit/protocol';
import { startRestApiFixture, type RestApiFixture } from '../../test/helpers/restApiFixture.js';

let api: RestApiFixture;
beforeEach(async () => {
  api = await startRestApiFixture();
});
afterEach(async () => {
  await api?.close();
});

const invalid = (field: RegExp) => ({ statusCode: 400, error: { code: ErrorCode.ERROR_INVALID_PARAMETER, message: expect.stringMatching(field) } });

describe('POST /v2/rooms', () => {
  it('with no body creates a room with an abcd-efgh-ijkl id and VideoSDK fields', async () => {
    const res = await api.post('/v2/rooms');
    expect(res.statusCode).toBe(200);
    const room = res.json() as RoomResponse;
    expect(room).toEqual({
      roomId: expect.stringMatching(/^[a-z]{4}-[a-z]{4}-[a-z]{4}$/),
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      customRoomId: null,
      disabled: false,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      updatedAt: room.createdAt,
      webhook: null,
      autoCloseConfig: null,
      links: { get_room: `http://localhost:80/v2/rooms/${room.roomId}`, get_session: `http://localhost:80/v2/sessions?roomId=${room.roomId}` },
    });
  });

  it('with customRoomId, webhook and autoCloseConfig stores them; the same customRoomId returns the same room', async () => {
    const body = {
      customRoomId: 'standup',
      webhook: { endPoint: 'https://example.com/hook', events: ['session-started', 'recording-*'] },
      autoCloseConfig: { type: 'session-end-and-deactivate', duration: 30 },
    };
    const first = (await api.post('/v2/rooms', body)).json();
    expect(first).toMatchObject(body);
    const again = await api.post('/v2/rooms', { customRoomId: 'standup' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first);
  });

  it.each([
    [{ nickname: 'x' }, /^nickname: unknown field/],
    [{ customRoomId: 42 }, /^customRoomId: Expected string/],
    [{ customRoomId: 'has space' }, /^customRoomId: may only contain/],
    [{ customRoomId: 'x'.repeat(65) }, /^customRoomId: /],
    [{ webhook: { endPoint: 'ftp://x/y', events: ['*'] } }, /^webhook.endPoint: must be an http\(s\) URL/],
    [{ webhook: { endPoint: 'https://x/y', events: 'session-started' } }, /^webhook.events: Expected array/],
    [{ webhook: { endPoint: 'https://x/y', events: ['*'], secret: 's' } }, /^webhook.secret: unknown field/],
    [{ webhook: { endPoint: 'https://x/y', events: ['*', 'recording-done'] } }, /^webhook\.events\[1\]: "recording-done" is not a webhook event/],
    [{ webhook: { endPoint: 'https://x/y', events: ['meeting-*'] } }, /^webhook\.events\[0\]: "meeting-\*" matches no webhook event/],
    [{ autoCloseConfig: { type: 'never' } }, /^autoCloseConfig.type: /],
    [{ autoCloseConfig: { type: 'session-ends', duration: '5' } }, /^autoCloseConfig.duration: Expected number/],
    [[], /^body: Expected object/],
  ])('with %j gets 400 naming the field', async (body, field) => {
    const res = await api.post('/v2/rooms', body);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(invalid(field));
  });
});

describe('GET /v2/rooms', () => {
  it('pages newest first with pageInfo', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await api.post('/v2/rooms')).json().roomId);
    const res = await api.get('/v2/rooms?page=2&perPage=2');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.pageInfo).toEqual({ currentPage: 2, perPage: 2, lastPage: 3, total: 5 });
    expect(body.data.map((r: RoomResponse) => r.roomId)).toEqual([ids[2], ids[1]]);
    const defaults = (await api.get('/v2/rooms')).json();
    expect(defaults.pageInfo).toEqual({ currentPage: 1, perPage: 20, lastPage: 1, total: 5 });
  });

  it('with no rooms answers an empty first page', async () => {
    expect((await api.get('/v2/rooms')).json()).toEqual({ pageInfo: { currentPage: 1, perPage: 20, lastPage: 1, total: 0 }, data: [] });
  });

  it.each([
    ['page=0', /^page: must be a positive integer/],
    ['page=-1', /^page: /],
    ['page=abc', /^page: must be a positive integer/],
    ['page=1.5', /^page: /],
    ['perPage=0', /^perPage: /],
    ['perPage=101', /^perPage: must be at most 100/],
    ['perPage=', /^perPage: /],
    ['page=1&page=2', /^page: /],
  ])('with %s gets 400 naming the parameter', async (query, field) => {
    const res = await api.get(`/v2/rooms?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(invalid(field));
  });
});

describe('GET /v2/rooms/:roomId and /v2/rooms/validate/:roomId', () => {
  it.each(['/v2/rooms/', '/v2/rooms/validate/'])('%s finds a room by roomId and by customRoomId', async (prefix) => {
    const created = (await api.post('/v2/rooms', { customRoomId: 'team' })).json();
    expect((await api.get(`${prefix}${created.roomId}`)).json()).toEqual(created);
    expect((await api.get(`${prefix}team`)).json()).toEqual(created);
  });

  it.each(['/v2/rooms/', '/v2/rooms/validate/'])('%s of an unknown room gets 404 INVALID_MEETING_ID', async (prefix) => {
    const res = await api.get(`${prefix}zzzz-zzzz-zzzz`);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ statusCode: 404, error: { code: ErrorCode.INVALID_MEETING_ID, message: 'roomId: no room "zzzz-zzzz-zzzz"' } });
  });

  it('with a malformed room id gets 400 naming roomId', async () => {
    const res = await api.get('/v2/rooms/bad%20id');
    expect(res.json()).toEqual(invalid(/^roomId: /));
  });

  it('a room created by a first join is found', async () => {
    await api.store.directory.roomForJoin('walk-in');
    expect((await api.get('/v2/rooms/walk-in')).json()).toMatchObject({ roomId: 'walk-in', customRoomId: null });
  });
});

describe('POST /v2/rooms/deactivate', () => {
  it('disables the room, ends its live session and refuses later joins', async () => {
    const { roomId } = (await api.post('/v2/rooms')).json();
    api.rooms.join(roomId, 'sess1', 'alice');
    const res = await api.post('/v2/rooms/deactivate', { roomId });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ roomId, disabled: true });
    expect(api.rooms.liveSession(roomId)).toBeNull();
    expect((await api.store.getSession('sess1'))?.end).not.toBeNull();
    expect(await api.store.directory.roomForJoin(roomId)).toMatchObject({ disabled: true });
    expect((await api.get(`/v2/rooms/${roomId}`)).json().disabled).toBe(true);
  });

  it.each([
    [{}, /^roomId: Required/],
    [{ roomId: 5 }, /^roomId: Expected string/],
    [{ roomId: 'a', force: true }, /^force: unknown field/],
  ])('with %j gets 400 naming the field', async (body, field) => {
    expect((await api.post('/v2/rooms/deactivate', body)).json()).toEqual(invalid(field));
  });

  it('of an unknown room gets 404', async () => {
    const res = await api.post('/v2/rooms/deactivate', { roomId: 'nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe(ErrorCode.INVALID_MEETING_ID);
  });
});
