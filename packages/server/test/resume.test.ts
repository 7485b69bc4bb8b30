// Resuming a participant over the signaling protocol itself (in-process server, bare sockets): a
// socket that dies without a close frame keeps the participant for the grace period; `resume` with
// the join's token re-attaches it and replays the events it missed, in order; a close frame, a
// wrong token or an expired grace end it with WEBSOCKET_DISCONNECTED.
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, LeaveReason } from '@roomkit/protocol';
import { connectWs, type WsTestClient } from './helpers/wsClient.js';
import { startTestServer, type TestServer } from './helpers/testServer.js';

let server: TestServer | undefined;
const clients: WsTestClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.stop();
  server = undefined;
});

async function joined(meetingId: string, name: string) {
  const client = await connectWs(server!.url);
  clients.push(client);
  const { token } = await fetch(`${server!.url}/dev/token?roomId=${meetingId}`).then((r) => r.json());
  const res = await client.request({ t: 'join', token, meetingId, name, mode: 'SIGNALLING_ONLY' });
  expect(res.ok, JSON.stringify(res)).toBe(true);
  return { client, data: res.data as { participantId: string; resumeToken: string; reconnectGraceSeconds: number; sessionId: string } };
}

const lastSeq = (c: WsTestClient) => Math.max(0, ...c.messages.filter((m) => typeof m.seq === 'number').map((m) => m.seq));
const leftEvents = (c: WsTestClient, id: string) => c.messages.filter((m) => m.t === 'participantLeft' && m.participantId === id);

describe('resume', () => {
  it('after a socket dies without a close frame, resume re-attaches the participant and replays what it missed; the others see nothing', async () => {
    server = await startTestServer();
    const alice = await joined('resume-a', 'Alice');
    expect(alice.data.resumeToken).toMatch(/^[0-9a-f]{48}$/);
    expect(alice.data.reconnectGraceSeconds).toBe(20);
    const bob = await joined('resume-a', 'Bob');
    await alice.client.waitFor((m) => m.t === 'participantJoined' && m.participant.displayName === 'Bob');
    const seenSeq = lastSeq(alice.client);
    expect(seenSeq).toBeGreaterThan(0);

    alice.client.ws.terminate(); // no close frame: the server sees 1006
    await new Promise((r) => setTimeout(r, 300));
    const carol = await joined('resume-a', 'Carol'); // Alice misses this
    await new Promise((r) => setTimeout(r, 300));
    expect(leftEvents(bob.client, alice.data.participantId)).toEqual([]);
    expect(carol.client.messages.some((m) => m.t === 'participantLeft')).toBe(false);

    const again = await connectWs(server.url);
    clients.push(again);
    const res = await again.request({ t: 'resume', meetingId: 'resume-a', participantId: alice.data.participantId, resumeToken: alice.data.resumeToken, lastSeq: seenSeq });
    expect(res.ok, JSON.stringify(res)).toBe(true);
    expect(res.data).toMatchObject({ participantId: alice.data.participantId, sessionId: alice.data.sessionId, replayed: 1 });
    const replayed = await again.waitFor((m) => m.t === 'participantJoined');
    expect(replayed).toMatchObject({ seq: seenSeq + 1, participant: { displayName: 'Carol' } });
    // Live again: a new event arrives with the next seq.
    await bob.client.request({ t: 'leave' });
    const left = await again.waitFor((m) => m.t === 'participantLeft');
    expect(left).toMatchObject({ seq: seenSeq + 2, participantId: bob.data.participantId });
    expect(leftEvents(carol.client, alice.data.participantId)).toEqual([]);
  });

  it('refuses a wrong token, an unknown participant and a lastSeq from the future', async () => {
    server = await startTestServer();
    const alice = await joined('resume-b', 'Alice');
    alice.client.ws.terminate();
    const attempt = async (body: Record<string, unknown>) => {
      const c = await connectWs(server!.url);
      clients.push(c);
      return c.request({ t: 'resume', meetingId: 'resume-b', participantId: alice.data.participantId, resumeToken: alice.data.resumeToken, lastSeq: 0, ...body });
    };
    for (const body of [{ resumeToken: 'f'.repeat(48) }, { participantId: 'nobody' }, { lastSeq: 999 }, { meetingId: 'no-such-room' }]) {
      const res = await attempt(body);
      expect(res.ok, JSON.stringify(body)).toBe(false);
      expect(res.error.code).toBe(ErrorCode.ERROR_UNABLE_TO_JOIN_MEETING);
    }
    expect((await attempt({})).ok).toBe(true);
  });

  it('a close frame from the client is a leave: the others get participant-left 1001 at once', async () => {
    server = await startTestServer();
    const alice = await joined('resume-c', 'Alice');
    const bob = await joined('resume-c', 'Bob');
    await alice.client.close();
    const left = await bob.client.waitFor((m) => m.t === 'participantLeft', 5000);
    expect(left).toMatchObject({ participantId: alice.data.participantId, reason: { code: LeaveReason.WEBSOCKET_DISCONNECTED } });
  });

  it('with reconnectGraceSeconds 1, a dropped participant leaves with 1001 after a second and can no longer resume', async () => {
    server = await startTestServer({ reconnectGraceSeconds: 1 });
    const alice = await joined('resume-d', 'Alice');
    const bob = await joined('resume-d', 'Bob');
    const droppedAt = Date.now();
    alice.client.ws.terminate();
    const left = await bob.client.waitFor((m) => m.t === 'participantLeft', 4000);
    expect(Date.now() - droppedAt).toBeGreaterThanOrEqual(900);
    expect(left).toMatchObject({ participantId: alice.data.participantId, reason: { code: LeaveReason.WEBSOCKET_DISCONNECTED } });
    const late = await connectWs(server.url);
    clients.push(late);
    const res = await late.request({ t: 'resume', meetingId: 'resume-d', participantId: alice.data.participantId, resumeToken: alice.data.resumeToken, lastSeq: lastSeq(alice.client) });
    expect(res.ok).toBe(false);
  });
});
