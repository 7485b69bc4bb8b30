// trustProxy against a real server: with the proxy's address trusted, the URLs in REST responses
// take the scheme and host of X-Forwarded-Proto/-Host (or Forwarded) and signaling's per-address
// limit counts X-Forwarded-For; with it off (the default), a client forging those headers changes
// no URL and escapes no limit. (nginx in front, end to end: nginxTls.test.ts.)
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { generateToken } from '../src/auth/AccessToken.js';
import { DEV_API_KEY, DEV_API_SECRET } from '../src/config/defaults.js';
import { ErrorCode } from '@roomkit/protocol';
import { startTestServer, type TestConfigOverrides, type TestServer } from './helpers/testServer.js';
import { connectWs, type WsTestClient } from './helpers/wsClient.js';

const restToken = generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join', 'allow_mod'], roles: ['crawler'] });
const forged = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'rtc.example.com', 'x-forwarded-for': '203.0.113.9' };

let server: TestServer | undefined;
const sockets: WebSocket[] = [];
const clients: WsTestClient[] = [];
const joinToken = generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join'] });
async function start(overrides: TestConfigOverrides): Promise<TestServer> {
  server = await startTestServer({ mediaWorkers: 0, ...overrides });
  return server;
}
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.stop();
  server = undefined;
});

async function createRoom(url: string, headers: Record<string, string>): Promise<{ links: { get_room: string; get_session: string } }> {
  const res = await fetch(`${url}/v2/rooms`, { method: 'POST', headers: { authorization: restToken, 'content-type': 'application/json', ...headers }, body: '{}' });
  expect(res.status).toBe(200);
  return res.json();
}

/** A signaling socket opened as if from `forwardedFor`: 101, or the status it was refused with. */
function tryOpen(url: string, headers: Record<string, string>): Promise<number> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/rtc`, { headers });
  sockets.push(ws);
  return new Promise((resolve) => {
    ws.once('open', () => resolve(101));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => resolve(0));
  });
}

/** Joins a made-up meeting id (which creates the room) as a client behind the proxy. */
async function createByJoin(url: string, meetingId: string, forwardedFor: string): Promise<{ ok: boolean; code?: number }> {
  const c = await connectWs(url, { 'x-forwarded-for': forwardedFor });
  clients.push(c);
  const res = await c.request({ t: 'join', token: joinToken, meetingId, mode: 'SIGNALLING_ONLY' });
  return { ok: res.ok, code: res.error?.code };
}

describe('trustProxy off (default)', () => {
  it('forged X-Forwarded-* and Forwarded headers change no URL in a response', async () => {
    const { url } = await start({});
    const plain = await createRoom(url, {});
    expect(plain.links.get_room.startsWith(`${url}/v2/rooms/`)).toBe(true);
    const spoofed = await createRoom(url, { ...forged, forwarded: 'proto=https;host=evil.example' });
    expect(spoofed.links.get_room.startsWith(`${url}/v2/rooms/`)).toBe(true);
  });

  it('a client varying X-Forwarded-For still counts as its own address for unjoinedSocketsPerAddress', async () => {
    const { url } = await start({ limits: { unjoinedSocketsPerAddress: 2 } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await tryOpen(url, { 'x-forwarded-for': `203.0.113.${i + 1}` }));
    expect(statuses).toEqual([101, 101, 429]);
  });

  it('roomsCreatedByJoinPerMinute: a second "client" that only forges X-Forwarded-For is the same address, refused', async () => {
    const { url } = await start({ limits: { roomsCreatedByJoinPerMinute: 1 } });
    expect(await createByJoin(url, 'made-up-a', '203.0.113.1')).toEqual({ ok: true, code: undefined });
    expect(await createByJoin(url, 'made-up-b', '203.0.113.2')).toEqual({ ok: false, code: ErrorCode.RATE_LIMITED });
  });
});

describe('trustProxy: ["127.0.0.1"] (the proxy on loopback)', () => {
  it('URLs take the proxy scheme and host from X-Forwarded-Proto/-Host, or from Forwarded', async () => {
    const { url } = await start({ trustProxy: ['127.0.0.1'] });
    const viaXff = await createRoom(url, forged);
    expect(viaXff.links.get_room).toMatch(/^https:\/\/rtc\.example\.com\/v2\/rooms\//);
    expect(viaXff.links.get_session).toMatch(/^https:\/\/rtc\.example\.com\/v2\/sessions\?/);
    const viaForwarded = await createRoom(url, { forwarded: 'for=203.0.113.9;proto=https;host="rtc.example.com:8443"' });
    expect(viaForwarded.links.get_room).toMatch(/^https:\/\/rtc\.example\.com:8443\/v2\/rooms\//);
    // A proxy that forwards junk does not get it pasted into URLs.
    const junk = await createRoom(url, { 'x-forwarded-host': 'evil.example/x?', 'x-forwarded-proto': 'gopher' });
    expect(junk.links.get_room.startsWith(`${url}/v2/rooms/`)).toBe(true);
  });

  it('a trusted list that does not hold the peer changes nothing', async () => {
    const { url } = await start({ trustProxy: ['10.0.0.0/8'] });
    expect((await createRoom(url, forged)).links.get_room.startsWith(`${url}/v2/rooms/`)).toBe(true);
  });

  it('per-address limits count the client the proxy names in X-Forwarded-For', async () => {
    const { url } = await start({ trustProxy: ['127.0.0.1'], limits: { unjoinedSocketsPerAddress: 2 } });
    const many = [];
    for (let i = 0; i < 4; i++) many.push(await tryOpen(url, { 'x-forwarded-for': `203.0.113.${i + 1}` }));
    expect(many, 'four clients behind the proxy, one socket each').toEqual([101, 101, 101, 101]);
    const one = [];
    for (let i = 0; i < 3; i++) one.push(await tryOpen(url, { 'x-forwarded-for': '198.51.100.7' }));
    expect(one, 'one client behind the proxy, three sockets').toEqual([101, 101, 429]);
    // A client forging a leading entry is still counted by the entry the proxy appended.
    expect(await tryOpen(url, { 'x-forwarded-for': '192.0.2.1, 198.51.100.7' })).toBe(429);
  });

  it('roomsCreatedByJoinPerMinute counts each client behind the proxy on its own', async () => {
    const { url } = await start({ trustProxy: ['127.0.0.1'], limits: { roomsCreatedByJoinPerMinute: 1 } });
    expect(await createByJoin(url, 'made-up-a', '203.0.113.1')).toEqual({ ok: true, code: undefined });
    expect(await createByJoin(url, 'made-up-b', '203.0.113.2')).toEqual({ ok: true, code: undefined });
    expect(await createByJoin(url, 'made-up-c', '203.0.113.1')).toEqual({ ok: false, code: ErrorCode.RATE_LIMITED });
  });
});
