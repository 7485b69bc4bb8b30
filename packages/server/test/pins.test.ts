// Meeting-wide pins over signaling: `setPin` reaches everyone as `pinStateChanged` (with who pinned),
// late joiners get the pins in their join result, a leaver's pins go, and bad requests get their
// API codes naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '@roomkit/protocol';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { connectWs, type WsTestClient } from './helpers/wsClient.js';
import { generateToken } from '../src/auth/AccessToken.js';

let server: TestServer;
const clients: WsTestClient[] = [];
const ROOM = 'pin-room';

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server?.stop();
});

async function join(participantId: string) {
  const ws = await connectWs(server.url);
  clients.push(ws);
  const token = generateToken({ apiKey: server.config.apiKey, apiSecret: server.config.apiSecret, permissions: ['allow_join'] });
  const res = await ws.request({ t: 'join', token, meetingId: ROOM, participantId, name: participantId, mode: 'SIGNALLING_ONLY' });
  expect(res.ok, JSON.stringify(res)).toBe(true);
  return { ws, result: res.data };
}

describe('meeting-wide pins', () => {
  it('a pin reaches everyone with who pinned; repeating it changes nothing; a late joiner gets it; the leaver takes it along', async () => {
    const ada = await join('ada');
    const bob = await join('bob');
    expect((await ada.ws.request({ t: 'setPin', participantId: 'bob', type: 'CAM', pinned: true })).ok).toBe(true);
    const expected = { t: 'pinStateChanged', participantId: 'bob', state: { cam: true, share: false }, pinnedBy: 'ada' };
    for (const c of [ada, bob]) expect(await c.ws.waitFor((m) => m.t === 'pinStateChanged')).toMatchObject(expected);

    expect((await bob.ws.request({ t: 'setPin', participantId: 'bob', type: 'CAM', pinned: true })).ok).toBe(true);
    expect((await ada.ws.request({ t: 'ping' })).ok).toBe(true);
    expect(ada.ws.messages.filter((m) => m.t === 'pinStateChanged')).toHaveLength(1);

    const late = await join('cy');
    expect(late.result.pinnedParticipants).toEqual([{ participantId: 'bob', state: { cam: true, share: false } }]);

    expect((await late.ws.request({ t: 'setPin', participantId: 'bob', type: 'SHARE_AND_CAM', pinned: false })).ok).toBe(true);
    expect(await ada.ws.waitFor((m) => m.t === 'pinStateChanged' && m.pinnedBy === 'cy')).toMatchObject({ participantId: 'bob', state: { cam: false, share: false } });
    expect((await join('dee')).result.pinnedParticipants).toBeUndefined();

    expect((await ada.ws.request({ t: 'setPin', participantId: 'cy', type: 'SHARE', pinned: true })).ok).toBe(true);
    expect((await late.ws.request({ t: 'leave' })).ok).toBe(true);
    expect((await join('eve')).result.pinnedParticipants).toBeUndefined();
  });

  it('bad pins: an unknown participant is INVALID_PARTICIPANT_ID, a bad type or flag ERROR_INVALID_PARAMETER naming it', async () => {
    const { ws } = await join('fay');
    const unknown = await ws.request({ t: 'setPin', participantId: 'nobody', type: 'CAM', pinned: true });
    expect(unknown.error).toMatchObject({ code: ErrorCode.INVALID_PARTICIPANT_ID });
    expect(unknown.error.message).toMatch(/participantId/);
    const badType = await ws.request({ t: 'setPin', participantId: 'fay', type: 'FACE', pinned: true });
    expect(badType.error).toMatchObject({ code: ErrorCode.ERROR_INVALID_PARAMETER });
    expect(badType.error.message).toMatch(/type/);
    const badFlag = await ws.request({ t: 'setPin', participantId: 'fay', type: 'CAM', pinned: 'yes' });
    expect(badFlag.error.message).toMatch(/pinned/);
    expect((await ws.request({ t: 'ping' })).ok).toBe(true);
  });
});
