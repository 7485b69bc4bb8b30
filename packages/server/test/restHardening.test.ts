// REST and token hardening with a real server over HTTP: a repeated `?token=` on downloads, webhook
// subscriptions naming unknown events, a customRoomId that is another room's roomId, outside tokens
// claiming the compositor's hidden `egress` role, and egress webhooks sent once per receiver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '@roomkit/protocol';
import { generateToken } from '../src/auth/AccessToken.js';
import { signJwt } from '../src/auth/jwt.js';
import { DEV_API_KEY, DEV_API_SECRET } from '../src/config/defaults.js';
import { configureLogging } from '../src/logger.js';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhookReceiver.js';
import { connectWs, type WsTestClient } from './helpers/wsClient.js';

configureLogging('error');

// The operator's backend (REST is the crawler role's; a meeting token may only create and read rooms).
const restToken = generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join', 'allow_mod'], roles: ['crawler'] });
/** What an app backend can sign: any claims, with the API secret. */
const backendToken = (claims: Record<string, unknown>) =>
  signJwt({ apikey: DEV_API_KEY, permissions: ['allow_join', 'allow_mod'], version: 2, exp: Math.floor(Date.now() / 1000) + 600, ...claims }, DEV_API_SECRET);

let server: TestServer;
let rx: WebhookReceiver;
const cleanups: Array<() => Promise<unknown>> = [];
beforeAll(async () => {
  rx = await startWebhookReceiver(DEV_API_SECRET);
  cleanups.push(() => rx.close());
  server = await startTestServer({ webhookUrl: `${rx.url}/global`, logLevel: 'error' }, { webhooks: { backoffBaseMs: 20, backoffCapMs: 200, pollIntervalMs: 20 } });
  cleanups.push(() => server.stop());
});
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

async function rest(method: string, path: string, body?: unknown, token: string | null = restToken) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: token } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: json };
}

async function join(meetingId: string, token: string, participantId?: string): Promise<{ ws: WsTestClient; res: any }> {
  const ws = await connectWs(server.url);
  cleanups.push(() => ws.close());
  const res = await ws.request({ t: 'join', token, meetingId, ...(participantId ? { participantId } : {}), name: 'Tester', mode: 'SIGNALLING_ONLY' });
  return { ws, res };
}

const invalid = (message: string | RegExp) => ({
  statusCode: 400,
  error: { code: ErrorCode.ERROR_INVALID_PARAMETER, message: typeof message === 'string' ? message : expect.stringMatching(message) },
});

describe('GET /v2/recordings/:id/file ?token=', () => {
  it('given twice (?token=a&token=b) is refused with 401 INVALID_TOKEN naming the problem, not a 500', async () => {
    const res = await rest('GET', `/v2/recordings/some-id/file?token=${restToken}&token=${restToken}`, undefined, null);
    expect(res).toEqual({
      status: 401,
      body: { statusCode: 401, error: { code: ErrorCode.INVALID_TOKEN, message: 'token: give one ?token= query parameter, not 2 token parameters' } },
    });
  });

  it('given once still authorizes the download (unknown id: 404)', async () => {
    const res = await rest('GET', `/v2/recordings/some-id/file?token=${restToken}`, undefined, null);
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/no recording "some-id"/);
  });
});

describe('POST /v2/rooms webhook.events', () => {
  it.each([
    [['session-started', 'sesion-ended'], /^webhook\.events\[1\]: "sesion-ended" is not a webhook event; use one of session-started, .*hls-failed/],
    [['meeting-started'], /^webhook\.events\[0\]: "meeting-started" is not a webhook event/],
    [['recording-*', 'foo-*'], /^webhook\.events\[1\]: "foo-\*" matches no webhook event/],
  ])('with %j gets 400 naming the entry', async (events, message) => {
    const res = await rest('POST', '/v2/rooms', { webhook: { endPoint: 'https://example.com/h', events } });
    expect(res).toEqual({ status: 400, body: invalid(message) });
  });

  it('accepts every known event name, "*" and patterns that match known events', async () => {
    const events = ['*', 'recording-*', '*-started', 'session-started', 'participant-left', 'livestream-failed', 'hls-playable'];
    const res = await rest('POST', '/v2/rooms', { webhook: { endPoint: 'https://example.com/h', events } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.webhook).toEqual({ endPoint: 'https://example.com/h', events });
  });
});

describe('POST /v2/rooms customRoomId', () => {
  it("equal to another room's generated roomId gets 400, and that room is left alone", async () => {
    const other = (await rest('POST', '/v2/rooms', {})).body;
    const res = await rest('POST', '/v2/rooms', { customRoomId: other.roomId });
    expect(res).toEqual({ status: 400, body: invalid('customRoomId: already used as a roomId') });
    expect((await rest('GET', `/v2/rooms/${other.roomId}`)).body).toEqual(other);
  });

  it('equal to the roomId of a room first created by a join gets 400', async () => {
    const { res } = await join('walk-in-room', generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join'] }));
    expect(res.ok, JSON.stringify(res)).toBe(true);
    expect(await rest('POST', '/v2/rooms', { customRoomId: 'walk-in-room' })).toEqual({ status: 400, body: invalid('customRoomId: already used as a roomId') });
  });

  it('reused as a customRoomId still returns its own room', async () => {
    const first = (await rest('POST', '/v2/rooms', { customRoomId: 'harden-team' })).body;
    expect(await rest('POST', '/v2/rooms', { customRoomId: 'harden-team' })).toEqual({ status: 200, body: first });
  });
});

describe('the egress role in tokens from outside', () => {
  it.each([
    ['roles ["egress"]', { roles: ['egress'] }],
    ['roles ["rtc", "egress"]', { roles: ['rtc', 'egress'] }],
    ['a made-up proof claim', { roles: ['egress'], rk_egress_proof: 'A'.repeat(43) }],
  ])('join with %s is refused with UNAUTHORIZED_ROLE (it would join hidden from everyone)', async (_label, claims) => {
    const { res } = await join('egress-room', backendToken(claims), 'spy');
    expect(res.ok).toBe(false);
    expect(res.error.code).toBe(ErrorCode.UNAUTHORIZED_ROLE);
    expect(res.error.message).toMatch(/"egress" is reserved/);
  });

  it('a REST call with roles ["crawler", "egress"] is refused with 403', async () => {
    const res = await rest('GET', '/v2/rooms', undefined, backendToken({ roles: ['crawler', 'egress'] }));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe(ErrorCode.UNAUTHORIZED_ROLE);
  });
});

/** Waits until the participant has seen `count` recording states `status` (waitFor also sees old ones). */
async function nth(ws: WsTestClient, status: string, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const seen = () => ws.messages.filter((m) => m.t === 'egressState' && m.kind === 'recording' && m.status === status).length;
  while (seen() < count) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${status} #${count}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('egress webhooks', () => {
  it("reach a URL that is both the call's webhookUrl and the room's endpoint or the global URL once per event", async () => {
    const room = (await rest('POST', '/v2/rooms', { customRoomId: 'wh-egress', webhook: { endPoint: `${rx.url}/room`, events: ['recording-*'] } })).body;
    const { ws, res } = await join(room.roomId, generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join', 'allow_mod'] }));
    expect(res.ok, JSON.stringify(res)).toBe(true);
    const ids: string[] = [];
    for (const webhookUrl of [`${rx.url}/room`, `${rx.url}/global`]) {
      const started = await rest('POST', '/v2/recordings/start', { roomId: room.roomId, config: { quality: 'low' }, webhookUrl });
      expect(started.status, JSON.stringify(started.body)).toBe(200);
      ids.push(started.body.id);
      await nth(ws, 'RECORDING_STARTED', ids.length, 30_000);
      await new Promise((r) => setTimeout(r, 1000));
      expect((await rest('POST', '/v2/recordings/end', { roomId: room.roomId })).status).toBe(200);
      await nth(ws, 'RECORDING_STOPPED', ids.length, 15_000);
    }
    const stopped = (path: string, id: string) =>
      rx.accepted().some((r) => r.path === path && r.json.webhookType === 'recording-stopped' && r.json.data.id === id);
    const deadline = Date.now() + 10_000;
    while (!ids.every((id) => stopped('/hooks/room', id) && stopped('/hooks/global', id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300)); // a duplicate would be queued right behind its twin
    const lines = rx.requests
      .filter((r) => r.json?.data?.meetingId === room.roomId && String(r.json.webhookType).startsWith('recording-'))
      .map((r) => `${r.path} ${r.json.webhookType} ${ids.indexOf(r.json.data.id)}`);
    const expected = ['/hooks/room', '/hooks/global'].flatMap((path) =>
      [0, 1].flatMap((i) => ['starting', 'started', 'stopping', 'stopped'].map((s) => `${path} recording-${s} ${i}`)),
    );
    expect(lines.sort()).toEqual(expected.sort());
  }, 90_000);
});
