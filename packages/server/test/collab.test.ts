// meeting.realtimeStore and meeting.send() / `data` through a real server, with the Node client SDK
// (the browser SDK shares its RealtimeStore and payload code) and raw signaling for bad input.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, REALTIME_STORE_MAX_KEYS } from '@roomkit/protocol';
import { Constants, VideoSDK, fetchDevToken, initMeeting, type Meeting } from '@roomkit/node-client';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { connectWs, type WsTestClient } from './helpers/wsClient.js';
import { until } from './helpers/nodeParticipants.js';

let server: TestServer;
const meetings: Meeting[] = [];
const sockets: WsTestClient[] = [];

beforeAll(async () => {
  server = await startTestServer({ limits: { maxMessageBytes: 65536, messagesPerSecond: 2000, messageBurst: 2000, maxParticipantsPerRoom: 100 } });
});
afterEach(async () => {
  for (const m of meetings.splice(0)) await m.leave().catch(() => {});
  await Promise.all(sockets.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await server?.stop();
});

async function join(room: string, name: string): Promise<Meeting> {
  const meeting = initMeeting({ meetingId: room, name, signalingBaseUrl: server.url, token: await fetchDevToken(server.url, room), mode: 'SIGNALLING_ONLY' });
  meetings.push(meeting);
  await meeting.join();
  return meeting;
}

/** A raw signaling client joined to `room`, for what the SDK would refuse to send. */
async function rawJoin(room: string): Promise<WsTestClient> {
  const ws = await connectWs(server.url);
  sockets.push(ws);
  const res = await ws.request({ t: 'join', token: await fetchDevToken(server.url, room), meetingId: room, name: 'raw', mode: 'SIGNALLING_ONLY' });
  expect(res.ok).toBe(true);
  return ws;
}

async function codeOf(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise;
    return undefined;
  } catch (err) {
    return (err as { code?: number }).code;
  }
}

describe('realtimeStore', () => {
  it('observers get every change with who made it; getValue reads it; null deletes; stopObserving stops', async () => {
    const alice = await join('store-a', 'Alice');
    const bob = await join('store-a', 'Bob');
    const seenByAlice: Array<[string | null, string]> = [];
    const seenByBob: Array<[string | null, string]> = [];
    const aliceObserver = await alice.realtimeStore.observe('poll', (value, updatedBy) => seenByAlice.push([value, updatedBy]));
    await bob.realtimeStore.observe('poll', (value, updatedBy) => seenByBob.push([value, updatedBy]));

    await bob.realtimeStore.setValue('poll', 'yes:3,no:1');
    expect(await until(() => seenByAlice.length === 1, 5000)).toBe(true);
    expect(seenByAlice[0]).toEqual(['yes:3,no:1', bob.localParticipant.id]);
    expect(seenByBob).toEqual([['yes:3,no:1', bob.localParticipant.id]]); // the setter observes too
    expect(await alice.realtimeStore.getValue('poll')).toBe('yes:3,no:1');
    expect(await alice.realtimeStore.getValue('never-set')).toBeNull();

    await alice.realtimeStore.setValue('poll', null);
    expect(await until(() => seenByBob.length === 2, 5000)).toBe(true);
    expect(seenByBob[1]).toEqual([null, alice.localParticipant.id]);
    expect(await bob.realtimeStore.getValue('poll')).toBeNull();

    await alice.realtimeStore.stopObserving(aliceObserver);
    await bob.realtimeStore.setValue('poll', 'after');
    // Alice's next response follows anything the server sent her for Bob's set.
    expect(await alice.realtimeStore.getValue('poll')).toBe('after');
    expect(seenByAlice).toHaveLength(2);
  });

  it('a late joiner reads what was set before it came; other keys do not reach an observer', async () => {
    const alice = await join('store-b', 'Alice');
    await alice.realtimeStore.setValue('topic', 'Q3 planning');
    const carol = await join('store-b', 'Carol');
    expect(await carol.realtimeStore.getValue('topic')).toBe('Q3 planning');
    const seen: string[] = [];
    await carol.realtimeStore.observe('topic', (value) => seen.push(String(value)));
    await alice.realtimeStore.setValue('other', 'x');
    await alice.realtimeStore.setValue('topic', 'Q4 planning');
    expect(await until(() => seen.length === 1, 5000)).toBe(true);
    expect(await carol.realtimeStore.getValue('other')).toBe('x');
    expect(seen).toEqual(['Q4 planning']);
  });

  it('bad keys and values are refused with ERROR_INVALID_PARAMETER, before join with 3035', async () => {
    const idle = initMeeting({ meetingId: 'store-c', signalingBaseUrl: server.url, token: 'unused', mode: 'SIGNALLING_ONLY' });
    expect(await codeOf(idle.realtimeStore.setValue('k', 'v'))).toBe(ErrorCode.ERROR_ACTION_PERFORMED_BEFORE_MEETING_JOINED);

    const alice = await join('store-c', 'Alice');
    expect(await codeOf(alice.realtimeStore.setValue('', 'v'))).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
    expect(await codeOf(alice.realtimeStore.setValue('k'.repeat(257), 'v'))).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
    expect(await codeOf(alice.realtimeStore.setValue('k', 'é'.repeat(513)))).toBe(ErrorCode.ERROR_INVALID_PARAMETER); // 1026 bytes
    expect(await codeOf(alice.realtimeStore.setValue('k', 42 as unknown as string))).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
    expect(await codeOf(alice.realtimeStore.observe('k', 'not a function' as never))).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
    await alice.realtimeStore.setValue('k', 'é'.repeat(512)); // exactly 1024 bytes

    // The server checks the same limits for clients that skip the SDK's checks.
    const raw = await rawJoin('store-c');
    const tooBig = await raw.request({ t: 'realtimeStoreSet', key: 'k', value: 'x'.repeat(1025) });
    expect(tooBig.error.code).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
    expect(tooBig.error.message).toMatch(/value/);
    const noKey = await raw.request({ t: 'realtimeStoreGet', key: '' });
    expect(noKey.error.code).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
    expect(await alice.realtimeStore.getValue('k')).toBe('é'.repeat(512));
  });

  it(`holds at most ${REALTIME_STORE_MAX_KEYS} keys per session; overwriting and deleting still work at the limit`, async () => {
    const alice = await join('store-d', 'Alice');
    for (let i = 0; i < REALTIME_STORE_MAX_KEYS; i++) await alice.realtimeStore.setValue(`key-${i}`, String(i));
    const full = await codeOf(alice.realtimeStore.setValue('one-more', 'x'));
    expect(full).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
    await alice.realtimeStore.setValue('key-7', 'seven'); // an existing key
    await alice.realtimeStore.setValue('key-0', null);
    await alice.realtimeStore.setValue('one-more', 'x');
    expect(await alice.realtimeStore.getValue('one-more')).toBe('x');
    expect(await alice.realtimeStore.getValue('key-7')).toBe('seven');
  });
});

describe('realtimeStore on the wire', () => {
  it('after realtimeStoreStopObserving the server sends no more changes; observing is capped at 1000 keys', async () => {
    const alice = await join('store-e', 'Alice');
    const raw = await rawJoin('store-e');
    expect((await raw.request({ t: 'realtimeStoreObserve', key: 'k' })).ok).toBe(true);
    await alice.realtimeStore.setValue('k', 'one');
    await raw.waitFor((m) => m.t === 'realtimeStoreChanged' && m.value === 'one');
    expect((await raw.request({ t: 'realtimeStoreStopObserving', key: 'k' })).ok).toBe(true);
    await alice.realtimeStore.setValue('k', 'two');
    expect((await raw.request({ t: 'realtimeStoreGet', key: 'k' })).data).toEqual({ value: 'two' }); // after any change event
    expect(raw.messages.filter((m) => m.t === 'realtimeStoreChanged').map((m) => m.value)).toEqual(['one']);

    for (let i = 0; i < 1000; i++) raw.ws.send(JSON.stringify({ t: 'realtimeStoreObserve', rid: 1_000_000 + i, key: `key-${i}` }));
    const last = await raw.waitFor((m) => m.t === 'res' && m.rid === 1_000_999);
    expect(last.ok).toBe(true);
    const over = await raw.request({ t: 'realtimeStoreObserve', key: 'one-too-many' });
    expect(over.error.code).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
    expect((await raw.request({ t: 'realtimeStoreObserve', key: 'key-5' })).ok).toBe(true); // already observed
  });
});

describe('send() and the data event', () => {
  it('delivers text and bytes to everyone else with sender, time and reliability', async () => {
    const alice = await join('data-a', 'Alice');
    const bob = await join('data-a', 'Bob');
    const carol = await join('data-a', 'Carol');
    const got: Record<string, Array<{ from: string; payload: string | Uint8Array; reliability: string; timestamp: number }>> = { alice: [], bob: [], carol: [] };
    alice.on('data', (d) => got.alice!.push(d));
    bob.on('data', (d) => got.bob!.push(d));
    carol.on('data', (d) => got.carol!.push(d));

    const before = Date.now();
    await alice.send('hello');
    await alice.send(new Uint8Array([0, 1, 2, 250, 255]), { reliability: 'unreliable' });
    const big = new Uint8Array(15 * 1024).map((_, i) => i % 251);
    await alice.send(big.buffer);
    expect(await until(() => got.bob!.length === 3 && got.carol!.length === 3, 5000)).toBe(true);
    expect(got.alice).toHaveLength(0); // not echoed to the sender

    const [text, bytes, large] = got.bob!;
    expect(text).toMatchObject({ from: alice.localParticipant.id, payload: 'hello', reliability: 'RELIABLE' });
    expect(text!.timestamp).toBeGreaterThanOrEqual(before - 1000);
    expect(bytes!.payload).toBeInstanceOf(Uint8Array);
    expect([...(bytes!.payload as Uint8Array)]).toEqual([0, 1, 2, 250, 255]);
    expect(bytes!.reliability).toBe('UNRELIABLE');
    expect(Buffer.from(large!.payload as Uint8Array).equals(Buffer.from(big))).toBe(true);
    expect(got.carol!.map((d) => d.from)).toEqual([alice.localParticipant.id, alice.localParticipant.id, alice.localParticipant.id]);
  });

  it('refuses over-size payloads with ERROR_PAYLOAD_TOO_LARGE and bad ones with ERROR_INVALID_PARAMETER', async () => {
    const idle = initMeeting({ meetingId: 'data-b', signalingBaseUrl: server.url, token: 'unused', mode: 'SIGNALLING_ONLY' });
    expect(await codeOf(idle.send('early'))).toBe(ErrorCode.ERROR_ACTION_PERFORMED_BEFORE_MEETING_JOINED);

    const alice = await join('data-b', 'Alice');
    const bob = await join('data-b', 'Bob');
    const received: unknown[] = [];
    bob.on('data', (d) => received.push(d.payload));
    expect(await codeOf(alice.send(new Uint8Array(15 * 1024 + 1)))).toBe(ErrorCode.ERROR_PAYLOAD_TOO_LARGE);
    expect(await codeOf(alice.send('€'.repeat(5121)))).toBe(ErrorCode.ERROR_PAYLOAD_TOO_LARGE); // 15363 bytes
    expect(await codeOf(alice.send(42 as unknown as string))).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
    expect(await codeOf(alice.send('x', { reliability: 'sometimes' }))).toBe(ErrorCode.ERROR_INVALID_PARAMETER);

    const raw = await rawJoin('data-b');
    const overSize = await raw.request({ t: 'sendData', payload: 'x'.repeat(15 * 1024 + 1), binary: false, reliability: 'RELIABLE' });
    expect(overSize.error.code).toBe(ErrorCode.ERROR_PAYLOAD_TOO_LARGE);
    const notBase64 = await raw.request({ t: 'sendData', payload: 'not base64!', binary: true, reliability: 'RELIABLE' });
    expect(notBase64.error.code).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
    expect(notBase64.error.message).toMatch(/payload/);
    const badMode = await raw.request({ t: 'sendData', payload: 'x', binary: false, reliability: 'SOMETIMES' });
    expect(badMode.error.code).toBe(ErrorCode.ERROR_INVALID_PARAMETER);

    // A client sending data faster than 64 KB/s (after a 256 KB burst) is refused with RATE_LIMITED.
    let limited: { code: number } | undefined;
    let relayed = 0;
    for (let i = 0; i < 40 && !limited; i++) {
      const res = await raw.request({ t: 'sendData', payload: 'y'.repeat(15 * 1024), binary: false, reliability: 'RELIABLE' });
      if (res.ok) relayed++;
      else limited = res.error;
    }
    expect(limited?.code).toBe(ErrorCode.RATE_LIMITED);
    expect(relayed).toBeGreaterThanOrEqual(16); // the 256 KB burst
    expect(await until(() => received.length === relayed, 5000)).toBe(true);
    received.length = 0;

    // Data messages are not replayed after a reconnect: they carry no seq.
    const tail = await rawJoin('data-b');
    await alice.send('unsequenced');
    const seen = await tail.waitFor((m) => m.t === 'data');
    expect(seen.payload).toBe('unsequenced');
    expect(seen.seq).toBeUndefined();
    expect(await until(() => received.includes('unsequenced'), 5000)).toBe(true);
    received.length = 0;

    // None of those reached Bob; a good one still does.
    await alice.send('still fine');
    expect(await until(() => received.length === 1, 5000)).toBe(true);
    expect(received).toEqual(['still fine']);
  });
});

describe('the Node client names what the browser SDK names', () => {
  it('VideoSDK.Constants, initMeeting errors with codes, and egress / lobby calls with their checks', async () => {
    expect(VideoSDK.Constants).toBe(Constants);
    expect(Constants.errors.INVALID_MEETING_ID).toBe(4003);
    expect(Constants.modes.RECV_ONLY).toBe('RECV_ONLY');
    expect(Constants.hlsEvents.HLS_PLAYABLE).toBe('HLS_PLAYABLE');
    expect(() => initMeeting({ meetingId: '', signalingBaseUrl: server.url })).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_MEETING_ID }));
    expect(() => initMeeting({ meetingId: 'x', signalingBaseUrl: server.url, mode: 'BROADCAST' as never })).toThrow(expect.objectContaining({ code: ErrorCode.ERROR_INVALID_MODE }));

    const idle = initMeeting({ meetingId: 'parity', signalingBaseUrl: server.url, token: 'unused', mode: 'SIGNALLING_ONLY' });
    expect(await codeOf(idle.startRecording())).toBe(ErrorCode.ERROR_ACTION_PERFORMED_BEFORE_MEETING_JOINED);
    const bot = await join('parity', 'Bot');
    expect(bot.recordingState).toBe('RECORDING_STOPPED');
    expect(await codeOf(bot.startLivestream([]))).toBe(ErrorCode.INVALID_LIVESTREAM_CONFIG);
    expect(await codeOf(bot.startLivestream([{ url: 'http://not-rtmp.example', streamKey: 'k' }]))).toBe(ErrorCode.INVALID_LIVESTREAM_CONFIG);
    expect(await codeOf(bot.respondEntry('nobody-waiting', 'allowed'))).toBe(ErrorCode.INVALID_PARTICIPANT_ID);
  });
});
