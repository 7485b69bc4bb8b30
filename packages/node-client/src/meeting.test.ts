// The Node client against the real server: a simulcast publisher and a subscriber in one room.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/helpers/testServer.js';
import { fetchDevToken, initMeeting, loadSyntheticMedia, type Meeting, type Stream } from './index.js';

let server: TestServer;
const meetings: Meeting[] = [];

beforeAll(async () => {
  server = await startTestServer();
  await loadSyntheticMedia(); // encode once (cached on disk) before the timed part
}, 120_000);

afterAll(async () => {
  for (const m of meetings) await m.leave().catch(() => {});
  await server?.stop();
});

async function joinNode(room: string, name: string, publish: boolean): Promise<Meeting> {
  const meeting = initMeeting({
    meetingId: room, name, signalingBaseUrl: server.url, token: await fetchDevToken(server.url, room),
    micEnabled: publish, webcamEnabled: publish, bindAddress: '127.0.0.1', debugMode: !!process.env.RK_NODE_DEBUG,
  });
  meetings.push(meeting);
  await meeting.join();
  return meeting;
}

async function until<T>(check: () => T, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let v = check();
  while (!v && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    v = check();
  }
  return v;
}

/** Received bits per second of `stream` over `ms`. */
async function bitrate(stream: Stream, ms: number): Promise<number> {
  const before = stream.stats!.bytes;
  await new Promise((r) => setTimeout(r, ms));
  return ((stream.stats!.bytes - before) * 8 * 1000) / ms;
}

describe('node client', () => {
  it('subscriber receives the publisher\'s high layer and audio; setQuality(low) drops the bitrate', async () => {
    const publisher = await joinNode('node-1', 'pub', true);
    const subscriber = await joinNode('node-1', 'sub', false);
    const remote = await until(() => subscriber.participants.get(publisher.localParticipant.id));
    expect(remote).toBeTruthy();
    const video = await until(() => remote!.streamOf('video'));
    const audio = await until(() => remote!.streamOf('audio'));
    expect(video?.codec.toLowerCase()).toBe('vp8');
    await until(() => video!.stats!.firstDecodableAt > 0 && audio!.stats!.packets > 50, 15_000);
    const v = video!.stats!;
    expect(v.firstDecodableAt).toBeGreaterThan(0);
    expect(v.keyframes).toBeGreaterThan(0);
    expect(v.invalidRtp + v.invalidPayload + v.unexpectedPayloadType + v.ssrcChanges).toBe(0);
    expect(audio!.stats!.packets).toBeGreaterThan(50);
    // The first layer forwarded can be a lower one that went live first; the high layer follows at
    // its next keyframe. Measure 2 s windows until it is there (bounded).
    let high = 0;
    for (let i = 0; i < 5 && high <= 800_000; i++) high = await bitrate(video!, 2000);
    expect(high).toBeGreaterThan(800_000);
    await remote!.setQuality('low');
    await new Promise((r) => setTimeout(r, 1000)); // the switch waits for a keyframe of the low layer
    const low = await bitrate(video!, 2000);
    expect(low).toBeLessThan(350_000);
    expect(low).toBeGreaterThan(50_000);
    expect(video!.stats!.ssrcChanges).toBe(0);
    const sent = publisher.localParticipant.streamOf('video')!.sendStats!;
    expect(sent.layers.map((l) => l.rid)).toEqual(['q', 'h', 'f']);
    expect(sent.sendErrors).toBe(0);
    console.log(JSON.stringify({ high, low, video: video!.stats, sent }));
  });

  it('stream.pause() stops the forwarding with stream-paused; resume() restarts it; a local stream cannot be paused', async () => {
    const publisher = await joinNode('node-2', 'pub', true);
    const subscriber = await joinNode('node-2', 'sub', false);
    const remote = await until(() => subscriber.participants.get(publisher.localParticipant.id));
    const video = await until(() => remote!.streamOf('video'));
    await until(() => video!.stats!.packets > 50, 15_000);
    const seen: string[] = [];
    remote!.on('stream-paused', ({ kind }) => seen.push(`paused ${kind}`));
    remote!.on('stream-resumed', ({ kind }) => seen.push(`resumed ${kind}`));

    await video!.pause();
    expect(video!.paused).toBe(true);
    await new Promise((r) => setTimeout(r, 500)); // what was in flight
    expect(await bitrate(video!, 1500)).toBeLessThan(5_000);
    await video!.resume();
    let after = 0;
    for (let i = 0; i < 10 && after <= 100_000; i++) after = await bitrate(video!, 1000);
    expect(after).toBeGreaterThan(100_000);
    expect(seen).toEqual(['paused video', 'resumed video']);

    const local = publisher.localParticipant.streamOf('video')!;
    await expect(local.pause()).rejects.toMatchObject({ code: 3066 });
  });
});
