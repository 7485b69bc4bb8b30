// Every signaling request type, fed random and malformed field values by a joined participant: each
// gets an answer with an API error code (never SOMETHING_WENT_WRONG, which would mean an unhandled
// exception), the server stays healthy, and another participant is still served. Seeded and
// bounded: FUZZ_SEED=n replays another sequence, FUZZ_DEBUG=1 prints how many were accepted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, clientMessageSchema } from '@roomkit/protocol';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { connectWs, type WsTestClient } from './helpers/wsClient.js';
import { fuzzSeed, seededRandom } from './helpers/seededRandom.js';
import { fetchDevToken } from '@roomkit/node-client';

let server: TestServer;
const sockets: WsTestClient[] = [];
const ROOM = 'fuzz-room';
/** Types left out: they end the fuzzer's own session, or start real egress jobs (ffmpeg). */
const SKIPPED = new Set(['join', 'resume', 'leave', 'end', 'startEgress']);
const PER_TYPE = 40;

beforeAll(async () => {
  server = await startTestServer({ limits: { maxMessageBytes: 65536, messagesPerSecond: 5000, messageBurst: 5000, maxParticipantsPerRoom: 100 } });
});
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await server?.stop();
});

const VALUES: unknown[] = [
  null, '', 'x', 'valid-id_1', '../../etc/passwd', '🙂'.repeat(300), 'x'.repeat(5000), -1, 0, 1, 2 ** 53, 1e308, -0.5, true, false,
  {}, [], [1, 'a', null], { a: { b: { c: [] } } }, 'SEND_AND_RECV', 'SIGNALLING_ONLY', 'video', 'audio', 'share', 'high', 'low',
  'CAM', 'SHARE_AND_CAM', 'RELIABLE', 'allowed', 'recording', 'hls', 'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n',
  'not base64!', 'AAAA', ['valid-id_1'], [{ url: 'rtmp://127.0.0.1/live', streamKey: 'k' }],
];

/** Well-formed values by field name, so that most requests pass validation and reach their handlers. */
function plausible(key: string, others: string[]): unknown[] {
  const byKey: Record<string, unknown[]> = {
    participantId: [...others, 'nobody-here'],
    streamId: ['0123456789abcdef', 'nope'],
    kind: ['audio', 'video', 'share', 'shareAudio', 'recording', 'hls', 'livestream'],
    sdp: ['v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n', 'v=0 garbage garbage'],
    simulcast: [true, false],
    quality: ['low', 'med', 'high'],
    type: ['CAM', 'SHARE', 'SHARE_AND_CAM'],
    pinned: [true, false],
    paused: [true, false],
    enabled: [true, false],
    decision: ['allowed', 'denied'],
    topic: ['CHAT', 't'.repeat(128)],
    message: ['hi', ''],
    persist: [true, false],
    sendOnly: [others, []],
    key: ['k', 'k'.repeat(256)],
    value: ['v', null, 'é'.repeat(512)],
    payload: ['hello', 'AAAA', 'x'.repeat(15 * 1024 + 1)],
    binary: [true, false],
    reliability: ['RELIABLE', 'UNRELIABLE'],
    mode: ['SEND_AND_RECV', 'RECV_ONLY', 'SIGNALLING_ONLY'],
    width: [1280, 1], height: [720, 1],
  };
  return byKey[key] ?? VALUES;
}

function fuzzedMessage(t: string, keys: string[], others: string[], next: () => number): Record<string, unknown> {
  const message: Record<string, unknown> = { t };
  for (const key of keys) {
    if (key === 't' || key === 'rid') continue;
    if (next() < 0.15) continue; // missing
    const pool = next() < 0.7 ? plausible(key, others) : VALUES;
    message[key] = pool[Math.floor(next() * pool.length)];
  }
  if (next() < 0.1) message.unexpected = VALUES[Math.floor(next() * VALUES.length)];
  return message;
}

async function joined(name: string): Promise<WsTestClient> {
  const ws = await connectWs(server.url);
  sockets.push(ws);
  const res = await ws.request({ t: 'join', token: await fetchDevToken(server.url, ROOM), meetingId: ROOM, name, mode: 'SIGNALLING_ONLY' });
  expect(res.ok).toBe(true);
  return ws;
}

describe('signaling fuzz', () => {
  it(`${PER_TYPE} random requests of every type get API error codes, and the room keeps working`, async () => {
    const fuzzer = await joined('fuzzer');
    const bystander = await joined('bystander');
    const others = [bystander.messages.find((m) => m.t === 'res' && m.data?.participantId)!.data.participantId as string];
    const known = new Set<number>(Object.values(ErrorCode));
    const next = seededRandom(fuzzSeed());
    const unexpected: string[] = [];
    let answered = 0;
    let accepted = 0;
    for (const option of clientMessageSchema.options) {
      const t = (option.shape.t as { value: string }).value;
      if (SKIPPED.has(t)) continue;
      const keys = Object.keys(option.shape);
      for (let i = 0; i < PER_TYPE; i++) {
        // Removing the bystander would end the check at the bottom: only absent ids for that one.
        const message = fuzzedMessage(t, keys, t === 'removeParticipant' ? [] : others, next);
        const res = await fuzzer.request(message).catch((err: Error) => ({ ok: false, error: { code: -1, message: err.message } }));
        if (res.error?.code === -1) {
          unexpected.push(`${JSON.stringify(message).slice(0, 300)} -> no answer within 5 s`);
          continue;
        }
        answered++;
        if (res.ok) accepted++;
        if (!res.ok && (res.error.code === ErrorCode.SOMETHING_WENT_WRONG || !known.has(res.error.code))) {
          unexpected.push(`${JSON.stringify(message).slice(0, 300)} -> ${JSON.stringify(res.error)}`);
        }
      }
    }
    if (process.env.FUZZ_DEBUG) console.log(`answered ${answered}, accepted ${accepted}`);
    expect(unexpected).toEqual([]);
    expect(answered).toBeGreaterThanOrEqual(20 * PER_TYPE);
    expect(accepted).toBeGreaterThan(answered / 10); // the fuzz reaches the handlers, not only validation
    const health = await fetch(`${server.url}/health`).then((r) => r.json());
    expect(health.ok).toBe(true);
    // The fuzzer is still in, and the bystander is still served.
    expect((await fuzzer.request({ t: 'ping' })).ok).toBe(true);
    const set = await bystander.request({ t: 'realtimeStoreSet', key: 'after-fuzz', value: 'ok' });
    expect(set.ok).toBe(true);
    expect((await bystander.request({ t: 'realtimeStoreGet', key: 'after-fuzz' })).data).toEqual({ value: 'ok' });
  }, 120_000);
});
