// An attacker's view of signaling and room caps: sockets that never join, floods of them from one
// address or many, topic and lobby floods, and rooms created by joining made-up ids. Every refusal
// carries an API.md code.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ErrorCode } from '@roomkit/protocol';
import { generateToken } from '../src/auth/AccessToken.js';
import { DEV_API_KEY, DEV_API_SECRET } from '../src/config/defaults.js';
import { startTestServer, type TestConfigOverrides, type TestServer } from './helpers/testServer.js';
import { connectWs, type WsTestClient } from './helpers/wsClient.js';

const token = (permissions: Parameters<typeof generateToken>[0]['permissions'] = ['allow_join']) => generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions });

/** Opens a raw signaling socket: 'open', or the HTTP status and body the upgrade was refused with. */
function tryOpen(url: string): Promise<{ ws: WebSocket; status: number; body: string }> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/rtc`);
  return new Promise((resolve) => {
    ws.once('open', () => resolve({ ws, status: 101, body: '' }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ ws, status: res.statusCode ?? 0, body }));
    });
    ws.once('error', () => resolve({ ws, status: 0, body: '' }));
  });
}

let server: TestServer | undefined;
const sockets: WebSocket[] = [];
const clients: WsTestClient[] = [];
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

describe('signaling sockets that have not joined', () => {
  it('a socket that sends nothing is told 3047 and closed after joinTimeoutSeconds', async () => {
    const { url } = await start({ limits: { joinTimeoutSeconds: 1 } });
    const c = await connectWs(url);
    clients.push(c);
    const closed = new Promise<number>((r) => c.ws.once('close', (code) => r(code)));
    const outcome = await Promise.race([closed, new Promise<null>((r) => setTimeout(() => r(null), 4000))]);
    expect(outcome, 'still open 4 s after connecting').toBe(1008);
    expect(c.messages.find((m) => m.t === 'error')?.error.code).toBe(ErrorCode.ERROR_UNABLE_TO_JOIN_MEETING);
  });

  it('a socket that sends a join with a bad token is closed at the deadline too; one that joined stays', async () => {
    const { url } = await start({ limits: { joinTimeoutSeconds: 1 } });
    const bad = await connectWs(url);
    const good = await connectWs(url);
    clients.push(bad, good);
    expect((await bad.request({ t: 'join', token: 'not-a-token', meetingId: 'deadline' })).ok).toBe(false);
    expect((await good.request({ t: 'join', token: token(), meetingId: 'deadline', mode: 'SIGNALLING_ONLY' })).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 2500));
    expect(bad.ws.readyState).toBe(WebSocket.CLOSED);
    expect(good.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('a socket whose join is refused after its token was accepted (room full) is closed at the deadline', async () => {
    const { url } = await start({ limits: { joinTimeoutSeconds: 1, maxParticipantsPerRoom: 1 } });
    const inside = await connectWs(url);
    const outside = await connectWs(url);
    clients.push(inside, outside);
    expect((await inside.request({ t: 'join', token: token(), meetingId: 'full', mode: 'SIGNALLING_ONLY' })).ok).toBe(true);
    expect(await outside.request({ t: 'join', token: token(), meetingId: 'full', mode: 'SIGNALLING_ONLY' })).toMatchObject({ ok: false, error: { code: ErrorCode.MAX_PARTCIPANT_REACHED } });
    await new Promise((r) => setTimeout(r, 2500));
    expect(outside.ws.readyState).toBe(WebSocket.CLOSED);
    expect(inside.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('with the defaults, 60 idle sockets from one address: the first 50 are kept, the rest refused with HTTP 429 and code 4029', async () => {
    const { url } = await start({});
    const results = [];
    for (let i = 0; i < 60; i++) {
      const r = await tryOpen(url);
      sockets.push(r.ws);
      results.push(r);
    }
    expect(results.filter((r) => r.status === 101)).toHaveLength(50);
    const refused = results.filter((r) => r.status !== 101);
    expect(refused).toHaveLength(10);
    expect(refused[0]!.status).toBe(429);
    expect(JSON.parse(refused[0]!.body).error.code).toBe(ErrorCode.RATE_LIMITED);
  });

  it('a socket that joins frees its slot for the next one', async () => {
    const { url } = await start({ limits: { unjoinedSocketsPerAddress: 2 } });
    const a = await connectWs(url);
    const b = await connectWs(url);
    clients.push(a, b);
    const third = await tryOpen(url);
    sockets.push(third.ws);
    expect(third.status).toBe(429);
    expect((await a.request({ t: 'join', token: token(), meetingId: 'slots', mode: 'SIGNALLING_ONLY' })).ok).toBe(true);
    const fourth = await tryOpen(url);
    sockets.push(fourth.ws);
    expect(fourth.status).toBe(101);
  });

  it('over unjoinedSockets on the whole server, upgrades are refused with HTTP 503 and code 4029', async () => {
    const { url } = await start({ limits: { unjoinedSockets: 5, unjoinedSocketsPerAddress: 0 } });
    const results = [];
    for (let i = 0; i < 8; i++) {
      const r = await tryOpen(url);
      sockets.push(r.ws);
      results.push(r.status);
    }
    expect(results).toEqual([101, 101, 101, 101, 101, 503, 503, 503]);
  });
});

describe('caps on what a joined participant can grow', () => {
  it('pubsub: the 101st topic subscribed by one participant is refused with 3073 (defaults)', async () => {
    const { url } = await start({ limits: { messagesPerSecond: 1000, messageBurst: 1000 } });
    const c = await connectWs(url);
    clients.push(c);
    expect((await c.request({ t: 'join', token: token(), meetingId: 'topics', mode: 'SIGNALLING_ONLY' })).ok).toBe(true);
    for (let i = 0; i < 100; i++) expect((await c.request({ t: 'pubsubSubscribe', topic: `t${i}` })).ok).toBe(true);
    const refused = await c.request({ t: 'pubsubSubscribe', topic: 't100' });
    expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.ERROR_INVALID_PARAMETER } });
    expect((await c.request({ t: 'pubsubSubscribe', topic: 't5' })).ok).toBe(true); // already subscribed
  });

  it('lobby: askers beyond maxLobbyAskersPerRoom are refused with 4009', async () => {
    const { url } = await start({ limits: { maxLobbyAskersPerRoom: 3 } });
    const askers = await Promise.all(Array.from({ length: 4 }, () => connectWs(url)));
    clients.push(...askers);
    for (const [i, a] of askers.slice(0, 3).entries()) {
      a.sendRaw(JSON.stringify({ t: 'join', rid: 1000 + i, token: token(['ask_join']), meetingId: 'lobby', participantId: `asker${i}`, mode: 'SIGNALLING_ONLY' }));
      await a.waitFor((m) => m.t === 'entryRequested');
    }
    const fourth = await askers[3]!.request({ t: 'join', token: token(['ask_join']), meetingId: 'lobby', participantId: 'asker3', mode: 'SIGNALLING_ONLY' });
    expect(fourth).toMatchObject({ ok: false, error: { code: ErrorCode.MAX_PARTCIPANT_REACHED } });
  });

  it('joins to made-up meeting ids create at most roomsCreatedByJoinPerMinute rooms per address (4029); existing rooms still open', async () => {
    const { url } = await start({ limits: { roomsCreatedByJoinPerMinute: 3 } });
    const results = [];
    for (let i = 0; i < 5; i++) {
      const c = await connectWs(url);
      clients.push(c);
      results.push(await c.request({ t: 'join', token: token(), meetingId: `made-up-${i}`, mode: 'SIGNALLING_ONLY' }));
    }
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false, false]);
    expect(results[3].error.code).toBe(ErrorCode.RATE_LIMITED);
    const again = await connectWs(url);
    clients.push(again);
    expect((await again.request({ t: 'join', token: token(), meetingId: 'made-up-0', mode: 'SIGNALLING_ONLY' })).ok).toBe(true);
  });

  it('a join that would open more than maxRooms live rooms is refused with 3047; joining a live one works', async () => {
    const { url } = await start({ limits: { maxRooms: 2 } });
    const results = [];
    for (let i = 0; i < 3; i++) {
      const c = await connectWs(url);
      clients.push(c);
      results.push(await c.request({ t: 'join', token: token(), meetingId: `live-${i}`, mode: 'SIGNALLING_ONLY' }));
    }
    expect(results.map((r) => r.ok)).toEqual([true, true, false]);
    expect(results[2].error.code).toBe(ErrorCode.ERROR_UNABLE_TO_JOIN_MEETING);
    const joiner = await connectWs(url);
    clients.push(joiner);
    expect((await joiner.request({ t: 'join', token: token(), meetingId: 'live-1', mode: 'SIGNALLING_ONLY' })).ok).toBe(true);
  });

  it('POST /v2/rooms creates at most roomsCreatedPerTokenPerMinute rooms per guest token (429, 4029); other tokens and operator (crawler) tokens are not affected', async () => {
    const { url } = await start({ limits: { roomsCreatedPerTokenPerMinute: 3 } });
    const guest = token();
    const create = (t: string, body: unknown = {}) =>
      fetch(`${url}/v2/rooms`, { method: 'POST', headers: { authorization: t, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await create(guest)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const refused = await (await create(guest)).json();
    expect(refused.error.code).toBe(ErrorCode.RATE_LIMITED);
    expect((await create(token(['allow_join', 'allow_mod']))).status).toBe(200);
    expect((await create(guest, { customRoomId: 'existing-1' })).status).toBe(429);
    const operator = generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join'], roles: ['crawler'] });
    for (let i = 0; i < 5; i++) expect((await create(operator)).status).toBe(200); // the operator's token is not limited
  });
});
