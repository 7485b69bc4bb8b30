// Identity at join (issue #14): a participant id is taken over only by a token that pins it (or the
// token that joined under it); a removed participant is kept out of the session under that id until
// a moderator admits them again from the lobby; token id claims outside the id alphabet are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, LeaveReason } from '@roomkit/protocol';
import { generateToken, type GenerateTokenOptions } from '../src/auth/AccessToken.js';
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

let ttl = 3600;
/** A distinct token each call (its own exp), as two people's tokens would be. */
function token(claims: Partial<GenerateTokenOptions> = {}): string {
  return generateToken({ apiKey: server.config.apiKey, apiSecret: server.config.apiSecret, permissions: ['allow_join'], expiresInSeconds: ttl++, ...claims });
}

async function join(meetingId: string, tokenValue: string, participantId?: string) {
  const c = await connectWs(server.url);
  clients.push(c);
  const res = await c.request({ t: 'join', token: tokenValue, meetingId, name: participantId ?? 'someone', mode: 'SIGNALLING_ONLY', ...(participantId ? { participantId } : {}) });
  return { c, res };
}

const rest = (path: string, body: unknown) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: token({ roles: ['crawler'] }), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('taking over a participant id that is in the meeting', () => {
  it('with a different token that does not pin the id is refused with DUPLICATE_PARTICIPANT; the host stays', async () => {
    const host = await join('takeover-1', token({ permissions: ['allow_join', 'allow_mod'] }), 'host');
    expect(host.res.ok, JSON.stringify(host.res)).toBe(true);
    const thief = await join('takeover-1', token(), 'host');
    expect(thief.res.ok).toBe(false);
    expect(thief.res.error.code).toBe(ErrorCode.DUPLICATE_PARTICIPANT);
    expect(thief.res.error.message).toMatch(/"participantId" claim is "host"/);
    await new Promise((r) => setTimeout(r, 100));
    expect(host.c.messages.some((m) => m.t === 'meetingLeft')).toBe(false);
  });

  it('with a token whose participantId claim is that id replaces the old connection (DUPLICATE_PARTICIPANT for it)', async () => {
    const first = await join('takeover-2', token(), 'ada');
    expect(first.res.ok).toBe(true);
    const second = await join('takeover-2', token({ participantId: 'ada' }), 'ada');
    expect(second.res.ok, JSON.stringify(second.res)).toBe(true);
    const left = await first.c.waitFor((m) => m.t === 'meetingLeft');
    expect(left.reason.code).toBe(LeaveReason.DUPLICATE_PARTICIPANT);
  });

  it('with the same token it joined with (a page refresh) replaces the old connection', async () => {
    const same = token();
    const first = await join('takeover-3', same, 'bob');
    expect(first.res.ok).toBe(true);
    const again = await join('takeover-3', same, 'bob');
    expect(again.res.ok, JSON.stringify(again.res)).toBe(true);
    expect((await first.c.waitFor((m) => m.t === 'meetingLeft')).reason.code).toBe(LeaveReason.DUPLICATE_PARTICIPANT);
  });
});

describe('a removed participant', () => {
  it('removed by a moderator, rejoining under that id waits in the lobby; a moderator denies: refused with UNAUTHORIZED_PARTCIPANT_ID', async () => {
    const host = await join('ban-1', token({ permissions: ['allow_join', 'allow_mod'] }), 'host');
    const guestToken = token({ participantId: 'troll' });
    const guest = await join('ban-1', guestToken, 'troll');
    expect(guest.res.ok).toBe(true);
    expect((await host.c.request({ t: 'removeParticipant', participantId: 'troll' })).ok).toBe(true);
    expect((await guest.c.waitFor((m) => m.t === 'meetingLeft')).reason.code).toBe(LeaveReason.REMOVE_PEER);

    const c = await connectWs(server.url);
    clients.push(c);
    const pending = c.request({ t: 'join', token: guestToken, meetingId: 'ban-1', participantId: 'troll', name: 'troll', mode: 'SIGNALLING_ONLY' });
    await host.c.waitFor((m) => m.t === 'entryRequested' && m.participantId === 'troll');
    expect((await host.c.request({ t: 'respondEntry', participantId: 'troll', decision: 'denied' })).ok).toBe(true);
    const res = await pending;
    expect(res.ok).toBe(false);
    expect(res.error.code).toBe(ErrorCode.UNAUTHORIZED_PARTCIPANT_ID);
    expect(res.error.message).toMatch(/removed/);
  });

  it('admitted again by a moderator from the lobby joins, and the ban is lifted', async () => {
    const host = await join('ban-2', token({ permissions: ['allow_join', 'allow_mod'] }), 'host');
    const guestToken = token();
    expect((await join('ban-2', guestToken, 'kim')).res.ok).toBe(true);
    expect((await host.c.request({ t: 'removeParticipant', participantId: 'kim' })).ok).toBe(true);
    const c = await connectWs(server.url);
    clients.push(c);
    const pending = c.request({ t: 'join', token: guestToken, meetingId: 'ban-2', participantId: 'kim', name: 'kim', mode: 'SIGNALLING_ONLY' });
    await host.c.waitFor((m) => m.t === 'entryRequested' && m.participantId === 'kim');
    await host.c.request({ t: 'respondEntry', participantId: 'kim', decision: 'allowed' });
    expect((await pending).ok).toBe(true);
    await c.close();
    // Lifted: leaving and coming back needs nobody's approval.
    expect((await join('ban-2', guestToken, 'kim')).res.ok).toBe(true);
  });

  it('cannot be let back in by a guest without allow_mod: no entry-requested for them, respondEntry refused with UNAUTHORIZED_REQUEST', async () => {
    const host = await join('ban-4', token({ permissions: ['allow_join', 'allow_mod'] }), 'host');
    const friend = await join('ban-4', token(), 'friend');
    const trollToken = token();
    expect((await join('ban-4', trollToken, 'troll')).res.ok).toBe(true);
    expect((await host.c.request({ t: 'removeParticipant', participantId: 'troll' })).ok).toBe(true);
    const c = await connectWs(server.url);
    clients.push(c);
    const pending = c.request({ t: 'join', token: trollToken, meetingId: 'ban-4', participantId: 'troll', name: 'troll', mode: 'SIGNALLING_ONLY' });
    await host.c.waitFor((m) => m.t === 'entryRequested' && m.participantId === 'troll');
    expect(friend.c.messages.some((m) => m.t === 'entryRequested' && m.participantId === 'troll')).toBe(false);
    const answer = await friend.c.request({ t: 'respondEntry', participantId: 'troll', decision: 'allowed' });
    expect(answer.ok).toBe(false);
    expect(answer.error.code).toBe(ErrorCode.UNAUTHORIZED_REQUEST);
    expect(answer.error.message).toMatch(/allow_mod/);
    await host.c.request({ t: 'respondEntry', participantId: 'troll', decision: 'denied' });
    expect((await pending).error.code).toBe(ErrorCode.UNAUTHORIZED_PARTCIPANT_ID);
  });

  it('removed through REST (POST /v2/sessions/participants/remove) is kept out the same way', async () => {
    const host = await join('ban-3', token({ permissions: ['allow_join', 'allow_mod'] }), 'host');
    const guestToken = token({ participantId: 'lee' });
    expect((await join('ban-3', guestToken, 'lee')).res.ok).toBe(true);
    expect((await rest('/v2/sessions/participants/remove', { roomId: 'ban-3', participantId: 'lee' })).status).toBe(200);
    const c = await connectWs(server.url);
    clients.push(c);
    const pending = c.request({ t: 'join', token: guestToken, meetingId: 'ban-3', name: 'lee', mode: 'SIGNALLING_ONLY' });
    expect((await host.c.waitFor((m) => m.t === 'entryRequested' && m.participantId === 'lee')).participantId).toBe('lee');
    await host.c.request({ t: 'respondEntry', participantId: 'lee', decision: 'denied' });
    expect((await pending).error.code).toBe(ErrorCode.UNAUTHORIZED_PARTCIPANT_ID);
  });
});

describe('token id claims outside the id alphabet', () => {
  const signed = (claims: Record<string, unknown>) =>
    signJwt({ apikey: server.config.apiKey, permissions: ['allow_join'], version: 2, exp: Math.floor(Date.now() / 1000) + 600, ...claims }, server.config.apiSecret);

  it.each([
    ['participantId', { participantId: 'has space' }, ErrorCode.INVALID_PARTICIPANT_ID],
    ['participantId', { participantId: 'x'.repeat(65) }, ErrorCode.INVALID_PARTICIPANT_ID],
    ['participantId', { participantId: '../admin' }, ErrorCode.INVALID_PARTICIPANT_ID],
    ['roomId', { roomId: 'room a' }, ErrorCode.INVALID_MEETING_ID],
  ])('a %s claim %j is refused at join with its code', async (claim, claims, code) => {
    const { res } = await join('room-a', signed(claims));
    expect(res.ok).toBe(false);
    expect(res.error.code).toBe(code);
    expect(res.error.message).toContain(`token claim "${claim}"`);
  });
});
