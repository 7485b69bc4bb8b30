// Least privilege on the REST API (issue #14): every registered /v2 route has a declared access
// rule (the table below, which the README's table mirrors), and each token an attacker could hold
// (none, garbage, expired, a guest's, another room's, a room's non-moderator) is refused on every
// route it has no business on, before the route looks anything up.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '@roomkit/protocol';
import { generateToken, type GenerateTokenOptions } from '../auth/AccessToken.js';
import { signJwt } from '../auth/jwt.js';
import { DEV_API_KEY, DEV_API_SECRET } from '../config/defaults.js';
import { SqliteStore } from '../store/SqliteStore.js';
import { FakeRooms, standInEgress } from '../../test/helpers/restApiFixture.js';
import { restApi } from './restApi.js';
import { checkAccess, type RouteAccess } from './restAccess.js';

type Who = RouteAccess['who'] | 'meeting, own room';

/** Every REST route and who may call it. A new route must be added here (and to the README). */
const ACCESS: Record<string, Who> = {
  'POST /v2/rooms': 'meeting',
  'GET /v2/rooms': 'operator',
  'GET /v2/rooms/validate/:roomId': 'meeting, own room',
  'GET /v2/rooms/:roomId': 'meeting, own room',
  'POST /v2/rooms/deactivate': 'operator',
  'GET /v2/sessions': 'moderator',
  'GET /v2/sessions/:sessionId': 'moderator',
  'GET /v2/sessions/:sessionId/stats': 'moderator',
  'GET /v2/sessions/:sessionId/participant/:participantId/stats': 'moderator',
  'POST /v2/sessions/end': 'moderator',
  'POST /v2/sessions/participants/remove': 'moderator',
  'POST /v2/recordings/start': 'moderator',
  'POST /v2/recordings/end': 'moderator',
  'GET /v2/recordings': 'moderator',
  'GET /v2/recordings/:id': 'moderator',
  'GET /v2/recordings/:id/file': 'moderator',
  'DELETE /v2/recordings/:id': 'operator',
  'GET /v2/recordings/participant': 'moderator',
  'GET /v2/recordings/participant/:id': 'moderator',
  'DELETE /v2/recordings/participant/:id': 'operator',
  'GET /v2/recordings/participant/track': 'moderator',
  'GET /v2/recordings/participant/track/:id': 'moderator',
  'DELETE /v2/recordings/participant/track/:id': 'operator',
  'POST /v2/recordings/participant/start': 'moderator',
  'POST /v2/recordings/participant/stop': 'moderator',
  'POST /v2/recordings/participant/track/start': 'moderator',
  'POST /v2/recordings/participant/track/stop': 'moderator',
  'POST /v2/livestreams/start': 'moderator',
  'POST /v2/livestreams/end': 'moderator',
  'GET /v2/livestreams': 'moderator',
  'POST /v2/hls/start': 'moderator',
  'POST /v2/hls/end': 'moderator',
  'POST /v2/hls/capture': 'meeting, own room',
  'GET /v2/hls': 'moderator',
  'DELETE /v2/hls/:id': 'operator',
  'GET /v2/operator/live-rooms': 'operator',
  'GET /v2/operator/webhook-deliveries': 'operator',
};

let app: FastifyInstance;
let store: SqliteStore;
let dataDir: string;
let roomA: string;
let roomB: string;
const sessionA = 'sess-a';
const recA = 'rec-a';
const routes: Array<{ method: string; url: string; access?: RouteAccess }> = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'roomkit-access-'));
  store = new SqliteStore({ file: join(dataDir, 'roomkit.db'), requireRoomCreation: false });
  roomA = (await store.createRoom({ customRoomId: 'room-a' })).room.roomId;
  roomB = (await store.createRoom({ customRoomId: 'room-b' })).room.roomId;
  const rooms = new FakeRooms(store);
  rooms.join(roomA, sessionA, 'p1');
  const recording = { id: recA, roomId: roomA, sessionId: sessionA, status: 'completed', type: 'composite', participantId: null, filePath: 'none.mp4', start: new Date(), end: new Date(), size: 1, duration: 1 };
  app = Fastify({ logger: false });
  app.addHook('onRoute', (route: RouteOptions) => {
    if (route.method !== 'HEAD') routes.push({ method: String(route.method), url: route.url, access: route.config?.access });
  });
  await app.register(restApi, {
    store,
    rooms,
    auth: { apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, devMode: false },
    ...standInEgress(dataDir, recording),
    operator: { liveRooms: () => ({ total: 0, rooms: [] }), latestQuality: () => null, deliveries: { list: async () => ({ items: [], total: 0 }) } },
  });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await store?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const token = (o: Partial<GenerateTokenOptions> = {}) => generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join'], ...o });
const expired = () => signJwt({ apikey: DEV_API_KEY, permissions: ['allow_join'], roles: ['crawler'], version: 2, exp: Math.floor(Date.now() / 1000) - 3600 }, DEV_API_SECRET);

/** A call to `route` aimed at room A (its params, query and body all name room A's things). */
function call(route: { method: string; url: string }, authorization: string | null, opts: { queryToken?: boolean } = {}) {
  const path = route.url.replace(':roomId', roomA).replace(':sessionId', sessionA).replace(':id', recA);
  const query = new URLSearchParams({ roomId: roomA });
  if (opts.queryToken && authorization !== null) query.set('token', authorization);
  const body = route.url === '/v2/rooms' ? {} : { roomId: roomA, participantId: 'p1', kind: 'audio', outputs: [{ url: 'rtmp://example.com/live', streamKey: 'k' }] };
  return app.inject({
    method: route.method as 'GET',
    url: `${path}?${query}`,
    headers: { ...(authorization !== null && !opts.queryToken ? { authorization } : {}), ...(route.method === 'POST' ? { 'content-type': 'application/json' } : {}) },
    ...(route.method === 'POST' ? { payload: JSON.stringify(body) } : {}),
  });
}

const key = (r: { method: string; url: string }) => `${r.method} ${r.url}`;
const whoOf = (access: RouteAccess | undefined): Who | undefined =>
  access?.who === 'meeting' && access.room !== undefined ? 'meeting, own room' : access?.who;

describe('the REST route table', () => {
  it('registers exactly the routes of the access table, each with the rule the table gives', () => {
    expect(routes.length).toBeGreaterThan(0);
    expect(Object.fromEntries(routes.map((r) => [key(r), whoOf(r.access)]))).toEqual(ACCESS);
  });

  it('checkAccess refuses a route that declares no rule, even to an operator (fail closed)', async () => {
    const req = { method: 'GET', routeOptions: { url: '/v2/new', config: {} } } as never;
    await expect(checkAccess(req, { apikey: DEV_API_KEY, permissions: [], roles: ['crawler'] }, store)).rejects.toMatchObject({ statusCode: 403, code: ErrorCode.UNAUTHORIZED_REQUEST });
  });
});

describe.each(Object.keys(ACCESS))('%s', (route) => {
  const [method, url] = route.split(' ') as [string, string];
  const who = ACCESS[route]!;
  const r = { method, url };
  const protectedRoute = who !== 'meeting';

  it.each([
    ['no token', () => null],
    ['a garbage token', () => 'garbage'],
    ['an expired operator token', expired],
    ['a token signed with another secret', () => token({ roles: ['crawler'], apiSecret: 'not-the-secret-not-the-secret-xx' })],
  ])('with %s gets 401', async (_label, make) => {
    const res = await call(r, make());
    expect(res.statusCode).toBe(401);
  });

  it('with an operator token (roles: crawler) passes the access check', async () => {
    const res = await call(r, token({ roles: ['crawler'] }));
    expect([401, 403]).not.toContain(res.statusCode);
  });

  const refusedTokens: Array<[string, () => string, boolean]> = [
    // label, token, refused on this route?
    ['a guest token (allow_join, no roomId)', () => token(), protectedRoute && who !== 'meeting, own room'],
    ['a moderator token without roomId (allow_join, allow_mod)', () => token({ permissions: ['allow_join', 'allow_mod'] }), protectedRoute && who !== 'meeting, own room'],
    ['an rtc-only token', () => token({ roles: ['rtc'] }), protectedRoute && who !== 'meeting, own room'],
    ["another room's moderator token", () => token({ permissions: ['allow_join', 'allow_mod'], roomId: roomB }), protectedRoute],
    ["this room's guest token (no allow_mod)", () => token({ roomId: roomA }), who === 'operator' || who === 'moderator'],
    ["this room's moderator token", () => token({ permissions: ['allow_join', 'allow_mod'], roomId: roomA }), who === 'operator'],
    ["this room's moderator token naming the room by its customRoomId", () => token({ permissions: ['allow_mod'], roomId: 'room-a' }), who === 'operator'],
  ];
  it.each(refusedTokens)('with %s: refused with 403 and a code from API.md when the rule says so', async (_label, make, refused) => {
    const res = await call(r, make());
    if (refused) {
      expect(res.statusCode).toBe(403);
      expect([ErrorCode.UNAUTHORIZED_ROLE, ErrorCode.UNAUTHORIZED_MEETING_ID, ErrorCode.INVALID_PERMISSIONS]).toContain(res.json().error.code);
      expect(res.json().error.message).toMatch(/crawler|allow_mod|roomId|room "/);
    } else {
      expect([401, 403]).not.toContain(res.statusCode);
    }
  });
});

describe('download links (?token=)', () => {
  const file = { method: 'GET', url: '/v2/recordings/:id/file' };
  it.each([
    ['a guest token', () => token(), 403],
    ["another room's moderator token", () => token({ permissions: ['allow_mod'], roomId: roomB }), 403],
    ["this room's moderator token", () => token({ permissions: ['allow_mod'], roomId: roomA }), 404],
    ['an operator token', () => token({ roles: ['crawler'] }), 404],
  ])('with %s in the query answers %i', async (_label, make, status) => {
    // 404: allowed, and the stand-in recording has no file on disk.
    const res = await call(file, make(), { queryToken: true });
    expect(res.statusCode).toBe(status);
  });
});

describe('what a meeting token may not do even on the routes it may call', () => {
  it("POST /v2/rooms with a webhook from a meeting token gets 403 INVALID_PERMISSIONS (a webhook is the operator's)", async () => {
    const res = await app.inject({ method: 'POST', url: '/v2/rooms', headers: { authorization: token(), 'content-type': 'application/json' }, payload: JSON.stringify({ webhook: { endPoint: 'http://10.0.0.1/x', events: ['session-started'] } }) });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({ code: ErrorCode.INVALID_PERMISSIONS, message: expect.stringMatching(/crawler/) });
  });

  it('POST /v2/rooms with a webhook from an operator token creates the room', async () => {
    const res = await app.inject({ method: 'POST', url: '/v2/rooms', headers: { authorization: token({ roles: ['crawler'] }), 'content-type': 'application/json' }, payload: JSON.stringify({ webhook: { endPoint: 'http://10.0.0.1/x', events: ['session-started'] } }) });
    expect(res.statusCode).toBe(200);
  });

  it("GET /v2/rooms/:roomId shows a meeting token the room without its webhook; the operator sees it", async () => {
    const created = await app.inject({ method: 'POST', url: '/v2/rooms', headers: { authorization: token({ roles: ['crawler'] }), 'content-type': 'application/json' }, payload: JSON.stringify({ customRoomId: 'hooked', webhook: { endPoint: 'http://10.0.0.1/secret-hook', events: ['session-started'] } }) });
    const { roomId } = created.json();
    const asGuest = await app.inject({ method: 'GET', url: `/v2/rooms/${roomId}`, headers: { authorization: token() } });
    expect(asGuest.statusCode).toBe(200);
    expect(asGuest.json().webhook).toBeNull();
    expect(asGuest.body).not.toContain('secret-hook');
    const asGuestCreate = await app.inject({ method: 'POST', url: '/v2/rooms', headers: { authorization: token(), 'content-type': 'application/json' }, payload: JSON.stringify({ customRoomId: 'hooked' }) });
    expect(asGuestCreate.body).not.toContain('secret-hook');
    const asOperator = await app.inject({ method: 'GET', url: `/v2/rooms/${roomId}`, headers: { authorization: token({ roles: ['crawler'] }) } });
    expect(asOperator.json().webhook.endPoint).toBe('http://10.0.0.1/secret-hook');
  });

  it("POST /v2/sessions/end naming another room's session from this room's moderator gets 403", async () => {
    const other = (await store.createRoom({ customRoomId: 'room-c' })).room.roomId;
    new FakeRooms(store).join(other, 'sess-c', 'q');
    const res = await app.inject({ method: 'POST', url: '/v2/sessions/end', headers: { authorization: token({ permissions: ['allow_mod'], roomId: roomA }), 'content-type': 'application/json' }, payload: JSON.stringify({ roomId: roomA, sessionId: 'sess-c' }) });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe(ErrorCode.UNAUTHORIZED_MEETING_ID);
  });

  it('GET /v2/sessions/:sessionId of an unknown session from a room moderator gets 403, not 404 (no probing)', async () => {
    const res = await app.inject({ method: 'GET', url: '/v2/sessions/nope', headers: { authorization: token({ permissions: ['allow_mod'], roomId: roomA }) } });
    expect(res.statusCode).toBe(403);
  });
});
