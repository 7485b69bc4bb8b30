// Sessions end to end: real server, real signaling clients joining, leaving, rejoining and being
// removed; the REST API reports the timelogs, and a restarted server on the same data dir reports
// the same history.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, LeaveReason, type SessionResponse } from '@roomkit/protocol';
import { generateToken } from '../src/auth/AccessToken.js';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { connectWs, type WsTestClient } from './helpers/wsClient.js';

let dataDir: string;
let server: TestServer | undefined;
const clients: WsTestClient[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(joinPath(tmpdir(), 'roomkit-sessions-'));
  server = await startTestServer({ dataDir });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

function restToken(): string {
  return generateToken({ apiKey: server!.config.apiKey, apiSecret: server!.config.apiSecret, permissions: ['allow_join'], roles: ['crawler'] });
}

async function rest(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${server!.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${restToken()}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

async function join(meetingId: string, participantId: string, name: string): Promise<{ client: WsTestClient; res: any }> {
  const client = await connectWs(server!.url);
  clients.push(client);
  const token = generateToken({ apiKey: server!.config.apiKey, apiSecret: server!.config.apiSecret, permissions: ['allow_join'] });
  const res = await client.request({ t: 'join', token, meetingId, participantId, name, mode: 'SIGNALLING_ONLY' });
  return { client, res };
}

/** The same response from another server instance: only the links' host:port differ. */
const relinked = (value: unknown) => JSON.parse(JSON.stringify(value).replaceAll(server!.url, '<server>'));

async function until<T>(probe: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('sessions through the REST API', () => {
  let roomId: string;
  let sessionId: string;
  let history: Record<string, unknown>;

  it('joins, a leave, a rejoin and a removal show up in the session timelogs', async () => {
    roomId = (await rest('POST', '/v2/rooms', { customRoomId: 'standup' })).json.roomId;
    const alice = await join(roomId, 'alice', 'Alice');
    expect(alice.res.ok).toBe(true);
    sessionId = alice.res.data.sessionId;
    const bob = await join(roomId, 'bob', 'Bob');
    expect(bob.res.data.sessionId).toBe(sessionId);

    expect((await bob.client.request({ t: 'leave' })).ok).toBe(true);
    const bobAgain = await join(roomId, 'bob', 'Bob');
    expect(bobAgain.res.data.sessionId).toBe(sessionId);

    const live = await rest('GET', `/v2/sessions/${sessionId}`);
    expect(live.status).toBe(200);
    const session = live.json as SessionResponse;
    expect(session).toMatchObject({ id: sessionId, roomId, status: 'ongoing', end: null });
    expect(session.participants.map((p) => [p.participantId, p.name, p.timelog.map((t) => t.end === null)])).toEqual([
      ['alice', 'Alice', [true]],
      ['bob', 'Bob', [false, true]],
    ]);
    const [firstStay, secondStay] = session.participants[1]!.timelog;
    expect(Date.parse(firstStay!.start)).toBeLessThanOrEqual(Date.parse(firstStay!.end!));
    expect(Date.parse(firstStay!.end!)).toBeLessThanOrEqual(Date.parse(secondStay!.start));

    const removed = await rest('POST', '/v2/sessions/participants/remove', { roomId, participantId: 'bob' });
    expect(removed.status).toBe(200);
    const left = await bobAgain.client.waitFor((m) => m.t === 'meetingLeft');
    expect(left.reason.code).toBe(LeaveReason.REMOVE_PEER_API);
    expect((removed.json as SessionResponse).participants[1]!.timelog.every((t) => t.end !== null)).toBe(true);
    expect((await rest('POST', '/v2/sessions/participants/remove', { roomId, participantId: 'bob' })).status).toBe(404);

    await alice.client.close(); // the last one out ends the session
    const ended = await until(() => rest('GET', `/v2/sessions/${sessionId}`), (r) => r.json.status === 'ended', 'the session to end');
    expect(ended.json.end).not.toBeNull();
    expect(ended.json.participants[0].timelog[0].end).not.toBeNull();
  });

  it('a second session of the room is listed first; ending it through the API ends it for its participants', async () => {
    const carol = await join(roomId, 'carol', 'Carol');
    const second = carol.res.data.sessionId;
    expect(second).not.toBe(sessionId);
    const list = await rest('GET', `/v2/sessions?roomId=standup`);
    expect(list.json.pageInfo.total).toBe(2);
    expect(list.json.data.map((s: SessionResponse) => s.id)).toEqual([second, sessionId]);
    const ended = await rest('POST', '/v2/sessions/end', { roomId });
    expect(ended.json).toMatchObject({ id: second, status: 'ended' });
    expect((await carol.client.waitFor((m) => m.t === 'meetingLeft')).reason.code).toBe(LeaveReason.MEETING_END_API);
  });

  it('a deactivated room refuses joins with MEETING_ID_DISABLED', async () => {
    const other = (await rest('POST', '/v2/rooms')).json.roomId;
    expect((await rest('POST', '/v2/rooms/deactivate', { roomId: other })).json.disabled).toBe(true);
    const refused = await join(other, 'dave', 'Dave');
    expect(refused.res.ok).toBe(false);
    expect(refused.res.error.code).toBe(ErrorCode.MEETING_ID_DISABLED);
    history = {
      session: relinked((await rest('GET', `/v2/sessions/${sessionId}`)).json),
      sessions: relinked((await rest('GET', `/v2/sessions?roomId=${roomId}`)).json),
      room: relinked((await rest('GET', '/v2/rooms/standup')).json),
      rooms: relinked((await rest('GET', '/v2/rooms')).json),
    };
  });

  it('after a restart on the same data dir the same REST calls return the same history', async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server!.stop();
    server = undefined;
    server = await startTestServer({ dataDir });
    expect({
      session: relinked((await rest('GET', `/v2/sessions/${sessionId}`)).json),
      sessions: relinked((await rest('GET', `/v2/sessions?roomId=${roomId}`)).json),
      room: relinked((await rest('GET', '/v2/rooms/standup')).json),
      rooms: relinked((await rest('GET', '/v2/rooms')).json),
    }).toEqual(history);
    expect((history.rooms as { pageInfo: { total: number } }).pageInfo.total).toBe(2);
  });
});
