// Signaling at the edge: every token failure gets its API code, and malformed, oversized and
// flooding messages get errors without hurting the server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '@roomkit/protocol';
import { generateToken } from '../src/auth/AccessToken.js';
import { signJwt } from '../src/auth/jwt.js';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { connectWs, type WsTestClient } from './helpers/wsClient.js';

let server: TestServer;
const clients: WsTestClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server?.stop();
});

async function client(): Promise<WsTestClient> {
  const c = await connectWs(server.url);
  clients.push(c);
  return c;
}

function token(claims: Partial<Parameters<typeof generateToken>[0]> = {}): string {
  return generateToken({ apiKey: server.config.apiKey, apiSecret: server.config.apiSecret, permissions: ['allow_join'], ...claims });
}

async function joinWith(tokenValue: string, meetingId = 'room-a', extra: Record<string, unknown> = {}) {
  const c = await client();
  return c.request({ t: 'join', token: tokenValue, meetingId, name: 'Tester', mode: 'SIGNALLING_ONLY', ...extra });
}

describe('join tokens', () => {
  it('join with a valid token succeeds and returns the participant id and session', async () => {
    const res = await joinWith(token());
    expect(res.ok).toBe(true);
    expect(res.data.participantId).toMatch(/^[0-9a-f]+$/);
    expect(res.data.sessionId).toBeTruthy();
  });

  it.each([
    ['missing (empty) token', () => '', ErrorCode.INVALID_TOKEN],
    ['absent token', () => undefined as unknown as string, ErrorCode.INVALID_TOKEN],
    ['malformed token', () => 'not-a-jwt', ErrorCode.INVALID_TOKEN],
    ['expired token', () => signJwt({ apikey: server.config.apiKey, permissions: ['allow_join'], version: 2, exp: Math.floor(Date.now() / 1000) - 3600 }, server.config.apiSecret), ErrorCode.INVALID_TOKEN],
    ['token signed with another secret', () => generateToken({ apiKey: server.config.apiKey, apiSecret: 'someone-elses-secret', permissions: ['allow_join'] }), ErrorCode.INVALID_TOKEN],
    ['token for another API key', () => generateToken({ apiKey: 'other-key', apiSecret: server.config.apiSecret, permissions: ['allow_join'] }), ErrorCode.INVALID_API_KEY],
    ['token for another room', () => token({ roomId: 'some-other-room' }), ErrorCode.UNAUTHORIZED_MEETING_ID],
    ['token without permissions', () => token({ permissions: [] }), ErrorCode.INVALID_PERMISSIONS],
    ['token pinned to another participant', () => token({ participantId: 'alice' }), ErrorCode.UNAUTHORIZED_PARTCIPANT_ID],
    ['token with only the crawler role', () => token({ roles: ['crawler'] }), ErrorCode.UNAUTHORIZED_ROLE],
  ])('join with a %s fails with its code and the server stays up', async (_label, make, code) => {
    const res = await joinWith(make(), 'room-a', { participantId: 'bob' });
    expect(res.ok).toBe(false);
    expect(res.error.code).toBe(code);
    expect(res.error.message.length).toBeGreaterThan(5);
    const health = await fetch(`${server.url}/health`).then((r) => r.json());
    expect(health.ok).toBe(true);
  });
});

describe('bad messages', () => {
  it('a request before join is refused with 3035', async () => {
    const c = await client();
    const res = await c.request({ t: 'setQuality', participantId: 'x', quality: 'low' });
    expect(res.error.code).toBe(ErrorCode.ERROR_ACTION_PERFORMED_BEFORE_MEETING_JOINED);
  });

  it('invalid JSON gets an error event naming the problem', async () => {
    const c = await client();
    c.sendRaw('{not json');
    const m = await c.waitFor((x) => x.t === 'error');
    expect(m.error.code).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
    expect(m.error.message).toMatch(/JSON/);
  });

  it('a message with a wrong field type gets a response naming the field', async () => {
    const c = await client();
    const res = await c.request({ t: 'join', token: 5, meetingId: 'room-a' });
    expect(res.ok).toBe(false);
    expect(res.error.code).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
    expect(res.error.message).toMatch(/token/);
  });

  it('an unknown message type and unknown fields are rejected', async () => {
    const c = await client();
    const unknownType = await c.request({ t: 'explode' });
    expect(unknownType.error.code).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
    const extraField = await c.request({ t: 'ping', surprise: 1 });
    expect(extraField.error.message).toMatch(/surprise|Unrecognized/);
  });

  it('a bad meeting id is rejected with the field named', async () => {
    const res = await joinWith(token(), 'bad room id!');
    expect(res.error.code).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
    expect(res.error.message).toMatch(/meetingId/);
  });

  it('an oversized message gets ERROR_PAYLOAD_TOO_LARGE and the socket stays usable', async () => {
    const c = await client();
    c.sendRaw(JSON.stringify({ t: 'ping', rid: 1, pad: 'x'.repeat(200_000) }));
    const m = await c.waitFor((x) => x.t === 'error');
    expect(m.error.code).toBe(ErrorCode.ERROR_PAYLOAD_TOO_LARGE);
    const pong = await c.request({ t: 'ping' });
    expect(pong.ok).toBe(true);
  });

  it('a binary frame is refused', async () => {
    const c = await client();
    c.sendRaw(Buffer.from([1, 2, 3]));
    const m = await c.waitFor((x) => x.t === 'error');
    expect(m.error.code).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
  });

  it('a flood of messages is rate limited with RATE_LIMITED while another client is still served', async () => {
    const flooder = await client();
    for (let i = 0; i < 400; i++) flooder.sendRaw(JSON.stringify({ t: 'ping', rid: 100_000 + i }));
    const limited = await flooder.waitFor((x) => x.t === 'error' && x.error.code === ErrorCode.RATE_LIMITED);
    expect(limited.error.message).toMatch(/too many/);
    const answered = flooder.messages.filter((m) => m.t === 'res').length;
    expect(answered).toBeLessThan(400);
    const other = await client();
    expect((await other.request({ t: 'ping' })).ok).toBe(true);
  });
});

describe('pubsub over signaling', () => {
  it('persisted messages reach a late joiner; sendOnly messages reach only their targets', async () => {
    const a = await client();
    const b = await client();
    const ja = await a.request({ t: 'join', token: token(), meetingId: 'chat-room', name: 'Ann', mode: 'SIGNALLING_ONLY' });
    const jb = await b.request({ t: 'join', token: token(), meetingId: 'chat-room', name: 'Ben', mode: 'SIGNALLING_ONLY' });
    await a.request({ t: 'pubsubSubscribe', topic: 'CHAT' });
    await b.request({ t: 'pubsubSubscribe', topic: 'CHAT' });
    await a.request({ t: 'pubsubPublish', topic: 'CHAT', message: 'hello all', persist: true });
    const got = await b.waitFor((m) => m.t === 'pubsubMessage');
    expect(got.message).toMatchObject({ message: 'hello all', senderId: ja.data.participantId, senderName: 'Ann', topic: 'CHAT' });
    await a.request({ t: 'pubsubPublish', topic: 'CHAT', message: 'secret to ann only', persist: true, sendOnly: [ja.data.participantId] });
    const late = await client();
    await late.request({ t: 'join', token: token(), meetingId: 'chat-room', name: 'Cat', mode: 'SIGNALLING_ONLY' });
    const history = await late.request({ t: 'pubsubSubscribe', topic: 'CHAT' });
    expect(history.data.messages.map((m: any) => m.message)).toEqual(['hello all']);
    await new Promise((r) => setTimeout(r, 200));
    expect(b.messages.filter((m) => m.t === 'pubsubMessage').map((m) => m.message.message)).toEqual(['hello all']);
    expect(jb.ok).toBe(true);
  });
});
