// Webhooks end to end: a real server, real signaling clients, and a real local HTTP receiver that
// fails its first requests, then is down across a server restart. Every event arrives once after
// recovery, in order per room and receiver, with a valid signature.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '@roomkit/server-sdk';
import { generateToken } from '../src/auth/AccessToken.js';
import { configureLogging } from '../src/logger.js';
import { DEV_API_KEY, DEV_API_SECRET } from '../src/config/defaults.js';
import Database from 'better-sqlite3';
import { DATABASE_FILE, createStore } from '../src/store/createStore.js';
import { verifyWebhookSignature } from '../src/webhooks/signature.js';
import type { WebhookTuning } from '../src/webhooks/createWebhooks.js';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from './helpers/webhookReceiver.js';
import { connectWs, type WsTestClient } from './helpers/wsClient.js';

configureLogging('error');

const tuning: WebhookTuning = { backoffBaseMs: 20, backoffCapMs: 200, pollIntervalMs: 20 };
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

async function joinMeeting(server: TestServer, meetingId: string, participantId: string): Promise<WsTestClient> {
  const c = await connectWs(server.url);
  cleanups.push(() => c.close());
  const token = generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join'] });
  const res = await c.request({ t: 'join', token, meetingId, participantId, name: participantId.toUpperCase(), mode: 'SIGNALLING_ONLY' });
  expect(res.ok).toBe(true);
  return c;
}

async function leave(c: WsTestClient): Promise<void> {
  await c.request({ t: 'leave' });
  await c.close();
}

/** A short, human-checkable line per event: `type participant`. */
function describeEvent(r: ReceivedWebhook): string {
  const { webhookType, data } = r.json;
  return data.participantId ? `${webhookType} ${data.participantId}` : webhookType;
}

function byRoom(list: ReceivedWebhook[], pathSuffix: string, meetingId: string): ReceivedWebhook[] {
  return list.filter((r) => r.path.endsWith(pathSuffix) && r.json.data.meetingId === meetingId);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('webhooks', () => {
  it('reach a receiver that fails its first requests and is down across a server restart: each event once, in order, signed', async () => {
    const rx: WebhookReceiver = await startWebhookReceiver(DEV_API_SECRET);
    cleanups.push(() => rx.close());
    const dataDir = await mkdtemp(join(tmpdir(), 'roomkit-webhooks-e2e-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));

    // A room created beforehand with its own subscription to participant events only.
    const store = createStore({ dataDir, requireRoomCreation: false });
    const { room: hooked } = await store.createRoom({ webhook: { endPoint: `${rx.url}/room`, events: ['participant-*'] } });
    await store.close();

    const global = `${rx.url}/global`;
    let server = await startTestServer({ dataDir, webhookUrl: global, logLevel: 'error' }, { webhooks: tuning });
    cleanups.push(() => server.stop());
    rx.failNext(3);

    // Session 1 of room-1 with two people; room-2 opens alongside; the hooked room has a short session.
    const alice = await joinMeeting(server, 'wh-room-1', 'alice');
    const bob = await joinMeeting(server, 'wh-room-1', 'bob');
    const carol = await joinMeeting(server, 'wh-room-2', 'carol');
    await leave(bob);
    await leave(alice);
    const erin = await joinMeeting(server, hooked.roomId, 'erin');
    await leave(erin);
    await rx.waitForAccepted(6 + 2 + 4 + 2);

    // The receiver goes down; room-1 gets a second session; then the server restarts mid-retry.
    await rx.down();
    await joinMeeting(server, 'wh-room-1', 'dave');
    // The premise: the restart happens with deliveries pending, some of them already retried.
    const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
    cleanups.push(async () => db.close());
    const outbox = () => db.prepare(`SELECT COUNT(*) AS n, MAX(attempts) AS tries FROM webhook_outbox WHERE status = 'pending'`).get() as { n: number; tries: number };
    for (let waited = 0; outbox().tries < 2; waited += 20) {
      if (waited > 10_000) throw new Error('the dispatcher never retried against the closed port');
      await sleep(20);
    }
    await server.stop(); // ends dave's and carol's sessions: those events are enqueued as it stops
    expect(outbox().n).toBe(6); // room-1: started, dave joined, dave left, ended; room-2: carol left, ended
    db.close();
    server = await startTestServer({ dataDir, webhookUrl: global, logLevel: 'error' }, { webhooks: tuning });
    await sleep(150);
    await rx.up();

    const expected = {
      'wh-room-1': [
        'session-started', 'participant-joined alice', 'participant-joined bob', 'participant-left bob', 'participant-left alice', 'session-ended',
        'session-started', 'participant-joined dave', 'participant-left dave', 'session-ended',
      ],
      'wh-room-2': ['session-started', 'participant-joined carol', 'participant-left carol', 'session-ended'],
      [hooked.roomId]: ['session-started', 'participant-joined erin', 'participant-left erin', 'session-ended'],
    };
    const total = Object.values(expected).reduce((n, list) => n + list.length, 0) + 2;
    const got = await rx.waitForAccepted(total);
    await sleep(100); // anything extra (a duplicate event) would show up now
    const accepted = rx.accepted();
    expect(accepted).toHaveLength(total);

    for (const [room, events] of Object.entries(expected)) {
      expect(byRoom(accepted, '/global', room).map(describeEvent), room).toEqual(events);
    }
    expect(byRoom(accepted, '/room', hooked.roomId).map(describeEvent)).toEqual(['participant-joined erin', 'participant-left erin']);

    // Two sessions of room-1, each with its own id; session-ended carries start and end.
    const room1 = byRoom(accepted, '/global', 'wh-room-1');
    expect(new Set(room1.map((r) => r.json.data.sessionId)).size).toBe(2);
    const ended = room1.find((r) => r.json.webhookType === 'session-ended')!.json.data;
    expect(Date.parse(ended.end)).toBeGreaterThanOrEqual(Date.parse(ended.start));
    const bobLeft = room1.find((r) => describeEvent(r) === 'participant-left bob')!.json.data;
    expect(bobLeft).toMatchObject({ participantName: 'BOB', reason: { code: expect.any(Number), message: expect.any(String) } });

    // Every request (retries included) is signed over its raw body, and a tampered body fails.
    expect(rx.requests.every((r) => r.signatureValid && r.contentType === 'application/json')).toBe(true);
    const sample = got[0];
    expect(verifyWebhookSignature(sample.body.replace('session', 'sessiom'), sample.signature, DEV_API_SECRET)).toBe(false);
    // The server SDK's verifyWebhook() accepts what the server sent and rejects a tampered body.
    for (const r of accepted) expect(verifyWebhook(r.body, { 'roomkit-signature': r.signature }, DEV_API_SECRET)).toEqual(r.json);
    expect(() => verifyWebhook(sample.body.replace('session', 'sessiom'), { 'Roomkit-Signature': sample.signature }, DEV_API_SECRET)).toThrow(/signature/i);
    // Retries really happened: the first requests were refused, and some deliveries took several tries.
    expect(rx.requests.filter((r) => r.status === 500)).toHaveLength(3);
    expect(rx.requests.length).toBeGreaterThan(total);
    await server.stop();
  });
});
