// RoomkitClient against a real Roomkit server (the server package's test helper), on loopback.
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyJwt } from '../../server/src/auth/jwt.js';
import { startTestServer, type TestServer } from '../../server/test/helpers/testServer.js';
import { connectWs, type WsTestClient } from '../../server/test/helpers/wsClient.js';
import { RoomkitClient } from './client/RoomkitClient.js';
import { RoomkitApiError, RoomkitConnectionError } from './errors.js';
import { generateToken } from './token.js';

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}


let ts: TestServer;
let client: RoomkitClient;

beforeAll(async () => {
  ts = await startTestServer();
  client = new RoomkitClient({ baseUrl: ts.url, apiKey: ts.config.apiKey, secretKey: ts.config.apiSecret });
});
afterAll(async () => {
  await ts?.stop();
});

async function apiError(p: Promise<unknown>): Promise<RoomkitApiError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(RoomkitApiError);
  return err as RoomkitApiError;
}

describe('RoomkitClient rooms', () => {
  it('create → get → list → validate → deactivate round-trips one room', async () => {
    const created = await client.rooms.create({ customRoomId: 'sdk-room-1', webhook: { endPoint: 'http://127.0.0.1:9/hook', events: ['session-*'] } });
    expect(created).toMatchObject({ customRoomId: 'sdk-room-1', disabled: false, webhook: { endPoint: 'http://127.0.0.1:9/hook', events: ['session-*'] } });
    expect(await client.rooms.get(created.roomId)).toMatchObject({ roomId: created.roomId, customRoomId: 'sdk-room-1' });

    const generated = await client.rooms.create();
    expect(generated.roomId).toMatch(/\S/);
    const page = await client.rooms.list({ page: 1, perPage: 100 });
    expect(page.pageInfo).toMatchObject({ currentPage: 1, perPage: 100 });
    expect(page.pageInfo.total).toBeGreaterThanOrEqual(2);
    expect(page.data.map((r) => r.roomId)).toEqual(expect.arrayContaining([created.roomId, generated.roomId]));
    const small = await client.rooms.list({ perPage: 1 });
    expect(small.data).toHaveLength(1);
    expect(small.pageInfo.lastPage).toBeGreaterThanOrEqual(2);

    expect(await client.rooms.validate(created.roomId)).toMatchObject({ roomId: created.roomId });
    expect(await client.rooms.deactivate(created.roomId)).toMatchObject({ roomId: created.roomId, disabled: true });
    expect((await client.rooms.get(created.roomId)).disabled).toBe(true);
    expect((await client.rooms.validate(created.roomId)).disabled).toBe(true);
    expect(await apiError(client.rooms.validate('never-created'))).toMatchObject({ statusCode: 404, code: 4003 });
  });

  it('get of an unknown room rejects with RoomkitApiError 404 INVALID_MEETING_ID', async () => {
    const err = await apiError(client.rooms.get('no-such-room'));
    expect(err).toMatchObject({ statusCode: 404, code: 4003, method: 'GET', path: '/v2/rooms/no-such-room' });
    expect(err.message).toMatch(/no-such-room/);
  });

  it('a bad body rejects with 400 naming the field', async () => {
    const err = await apiError(client.rooms.create({ customRoomId: 42 as unknown as string }));
    expect(err.statusCode).toBe(400);
    expect(err.message).toMatch(/customRoomId/);
  });
});

describe('RoomkitClient sessions', () => {
  it('list of a room with no sessions is an empty page; get of an unknown session is 404', async () => {
    const room = await client.rooms.create();
    const page = await client.sessions.list({ roomId: room.roomId });
    expect(page).toMatchObject({ pageInfo: { currentPage: 1, total: 0 }, data: [] });
    const err = await apiError(client.sessions.get('no-such-session'));
    expect(err.statusCode).toBe(404);
  });
});

describe('RoomkitClient sessions with participants', () => {
  const sockets: WsTestClient[] = [];
  afterAll(async () => {
    await Promise.all(sockets.map((c) => c.close()));
  });

  /** Joins over signaling (no media) with a token from this SDK's generateToken. */
  async function join(roomId: string, participantId: string): Promise<WsTestClient> {
    const c = await connectWs(ts.url);
    sockets.push(c);
    const token = generateToken({ apiKey: ts.config.apiKey, secretKey: ts.config.apiSecret, permissions: ['allow_join'], roomId, participantId, roles: ['rtc'] });
    const res = await c.request({ t: 'join', token, meetingId: roomId, participantId, name: participantId, mode: 'SIGNALLING_ONLY' });
    expect(res.ok, JSON.stringify(res)).toBe(true);
    return c;
  }

  it('list/get show the live session; removeParticipant and end close timelogs and the session', async () => {
    const room = await client.rooms.create();
    await join(room.roomId, 'alice');
    await join(room.roomId, 'bob');

    const live = await client.sessions.list({ roomId: room.roomId });
    expect(live.pageInfo.total).toBe(1);
    const session = live.data[0]!;
    expect(session).toMatchObject({ roomId: room.roomId, status: 'ongoing', end: null });
    expect(session.participants.map((p) => p.participantId).sort()).toEqual(['alice', 'bob']);

    const afterRemove = await client.sessions.removeParticipant({ roomId: room.roomId, participantId: 'bob' });
    expect(afterRemove.id).toBe(session.id);
    const bob = afterRemove.participants.find((p) => p.participantId === 'bob')!;
    expect(bob.timelog.at(-1)!.end).not.toBeNull();
    expect(await apiError(client.sessions.removeParticipant({ roomId: room.roomId, participantId: 'bob' }))).toMatchObject({ statusCode: 404, code: 4004 });

    const ended = await client.sessions.end({ roomId: room.roomId });
    expect(ended).toMatchObject({ id: session.id, status: 'ended' });
    expect(ended.end).not.toBeNull();
    const fetched = await client.sessions.get(session.id);
    expect(fetched.status).toBe('ended');
    expect(fetched.participants.every((p) => p.timelog.every((t) => t.end !== null))).toBe(true);
    expect(await apiError(client.sessions.end({ roomId: room.roomId }))).toMatchObject({ statusCode: 404 });

    // Call quality: nobody sent media (signalling only), so no samples; an unknown participant is 404 4004.
    const stats = await client.sessions.stats(session.id);
    expect(stats).toMatchObject({ sessionId: session.id, meetingId: room.roomId, stats: [], pageInfo: { total: 0 } });
    const alice = await client.sessions.participantStats(session.id, 'alice', { perPage: 10, source: 'sdk' });
    expect(alice).toMatchObject({ participantId: 'alice', participantName: 'alice', stats: [], pageInfo: { perPage: 10 } });
    expect(await apiError(client.sessions.participantStats(session.id, 'nobody'))).toMatchObject({ statusCode: 404, code: 4004 });
  });
});

describe('RoomkitClient hls', () => {
  it('capture: 404 for an unknown room, 409 HLS_FAILED without a running stream, 400 naming a bad field', async () => {
    expect(await apiError(client.hls.capture({ roomId: 'no-such-room' }))).toMatchObject({ statusCode: 404, code: 4003 });
    const room = await client.rooms.create({ customRoomId: 'sdk-hls-capture' });
    expect(await apiError(client.hls.capture({ roomId: room.roomId }))).toMatchObject({ statusCode: 409, code: 5003 });
    const bad = await apiError(client.hls.capture({ roomId: room.roomId, width: 99_999 }));
    expect(bad).toMatchObject({ statusCode: 400, code: 3073 });
    expect(bad.message).toMatch(/width: /);
  });
});

describe('RoomkitClient auth', () => {
  it('with a garbage or wrong-secret token, rejects with 401 INVALID_TOKEN', async () => {
    const garbage = new RoomkitClient({ baseUrl: ts.url, token: 'not-a-jwt' });
    expect(await apiError(garbage.rooms.list())).toMatchObject({ statusCode: 401, code: 4002 });
    const wrongSecret = new RoomkitClient({ baseUrl: ts.url, apiKey: ts.config.apiKey, secretKey: 'wrong' });
    expect(await apiError(wrongSecret.rooms.list())).toMatchObject({ statusCode: 401, code: 4002 });
  });

  it('with a token given by the caller, uses it (Bearer-less)', async () => {
    const token = generateToken({ apiKey: ts.config.apiKey, secretKey: ts.config.apiSecret, permissions: ['allow_join'], roles: ['crawler'], expiresIn: '5m' });
    const withToken = new RoomkitClient({ baseUrl: `${ts.url}/`, token });
    expect((await withToken.rooms.list()).pageInfo.currentPage).toBe(1);
  });
});

describe('RoomkitClient transport', () => {
  it('with nothing listening, rejects with RoomkitConnectionError naming the URL', async () => {
    const port = await closedPort();
    const dead = new RoomkitClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 'k', secretKey: 's' });
    const err = await dead.rooms.list().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(RoomkitConnectionError);
    expect((err as Error).message).toBe(`cannot reach the Roomkit server at http://127.0.0.1:${port} (ECONNREFUSED)`);
  });

  it('with its own key pair, sends a 10-minute crawler token and reuses it; query and body go out as JSON', async () => {
    const seen: Array<{ url: string; method: string; auth: string | null; body: unknown }> = [];
    const fakeFetch: typeof fetch = async (input, init) => {
      const headers = new Headers(init?.headers);
      seen.push({ url: String(input), method: init?.method ?? 'GET', auth: headers.get('authorization'), body: init?.body ? JSON.parse(String(init.body)) : undefined });
      return new Response(JSON.stringify({ pageInfo: { currentPage: 2, perPage: 5, lastPage: 2, total: 6 }, data: [] }), { status: 200 });
    };
    const c = new RoomkitClient({ baseUrl: 'http://roomkit.test/', apiKey: 'k', secretKey: 's', fetch: fakeFetch });
    await c.sessions.list({ roomId: 'r 1', page: 2, perPage: 5 });
    await c.rooms.deactivate('r1');
    expect(seen[0]).toMatchObject({ url: 'http://roomkit.test/v2/sessions?roomId=r+1&page=2&perPage=5', method: 'GET', body: undefined });
    expect(seen[1]).toMatchObject({ url: 'http://roomkit.test/v2/rooms/deactivate', method: 'POST', body: { roomId: 'r1' } });
    expect(seen[1]!.auth).toBe(seen[0]!.auth);
    const claims = verifyJwt(seen[0]!.auth!, 's');
    expect(claims).toMatchObject({ apikey: 'k', roles: ['crawler'], permissions: ['allow_join', 'allow_mod'], version: 2 });
    expect((claims.exp as number) - (claims.iat as number)).toBe(600);
  });

  it('with a non-JSON error page (a proxy), rejects with RoomkitApiError code 0 quoting it', async () => {
    const c = new RoomkitClient({ baseUrl: 'http://roomkit.test', token: 't', fetch: async () => new Response('<h1>Bad Gateway</h1>', { status: 502 }) });
    const err = await apiError(c.rooms.get('r'));
    expect(err).toMatchObject({ statusCode: 502, code: 0, message: 'GET /v2/rooms/r failed with HTTP 502: <h1>Bad Gateway</h1>' });
  });

  it('with neither keys nor token, throws at construction', () => {
    expect(() => new RoomkitClient({ baseUrl: 'http://x' } as never)).toThrow(/apiKey, secretKey/);
  });
});
