// RoomkitClient against a real Roomkit server (the server package's test helper), on loopback.
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/helpers/testServer.js';
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

/** Whether this server build mounts the REST API (401 without a token), rather than 404 on /v2. */
async function restApiMounted(url: string): Promise<boolean> {
  const res = await fetch(`${url}/v2/rooms`);
  return res.status === 401;
}
let restApiLive = false;

let ts: TestServer;
let client: RoomkitClient;

beforeAll(async () => {
  ts = await startTestServer();
  restApiLive = await restApiMounted(ts.url);
  client = new RoomkitClient({ baseUrl: ts.url, apiKey: ts.config.apiKey, secretKey: ts.config.apiSecret });
});
afterAll(async () => {
  await ts?.stop();
});
/** Calls that need routes are skipped, with this reason, on a server build without the REST API. */
function needsRestApi() {
  beforeEach((ctx) => {
    if (!restApiLive) ctx.skip('the server does not mount the REST API v2');
  });
}

async function apiError(p: Promise<unknown>): Promise<RoomkitApiError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(RoomkitApiError);
  return err as RoomkitApiError;
}

describe('RoomkitClient rooms', () => {
  needsRestApi();

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
  needsRestApi();

  it('list of a room with no sessions is an empty page; get of an unknown session is 404', async () => {
    const room = await client.rooms.create();
    const page = await client.sessions.list({ roomId: room.roomId });
    expect(page).toMatchObject({ pageInfo: { currentPage: 1, total: 0 }, data: [] });
    const err = await apiError(client.sessions.get('no-such-session'));
    expect(err.statusCode).toBe(404);
  });
});

describe('RoomkitClient auth', () => {
  needsRestApi();

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

  it('with neither keys nor token, throws at construction', () => {
    expect(() => new RoomkitClient({ baseUrl: 'http://x' } as never)).toThrow(/apiKey, secretKey/);
  });
});
