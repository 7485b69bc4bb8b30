// Bounded under overload: a media worker starved of CPU for real (a cgroup CFS quota of 2 % of a
// core on its process) falls behind; instead of queueing without bound it sheds stale video, keeps audio flowing, shows it
// in GET /metrics, and video comes back (at a keyframe) once the worker has its CPU again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSyntheticMedia, type Stream } from '@roomkit/node-client';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { NodeParticipants, sleep, until } from './helpers/nodeParticipants.js';
import { canLimitCpu, limitCpu } from './helpers/cpuLimit.js';
import { WorkerMediaEngine } from '../src/media/WorkerMediaEngine.js';

let server: TestServer;
const participants = new NodeParticipants(() => server.url);
const cgroupsWork = canLimitCpu();

beforeAll(async () => {
  server = await startTestServer({ mediaWorkers: 1 });
  await loadSyntheticMedia();
}, 120_000);

afterAll(async () => {
  await participants.leaveAll();
  await server?.stop();
});

async function metric(name: string, labels: string): Promise<number> {
  const text = await fetch(`${server.url}/metrics`).then((r) => r.text());
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN;
}

describe('media worker under overload', () => {
  it.skipIf(!cgroupsWork)('sheds stale video, keeps audio flowing, counts it in /metrics, and video recovers at a keyframe', { retry: 1, timeout: 120_000 }, async () => {
    const engine = server.server.media as WorkerMediaEngine;
    expect(engine).toBeInstanceOf(WorkerMediaEngine);
    const room = `overload-${Math.random().toString(36).slice(2, 7)}`;
    const publisher = await participants.join(room, 'pub', true);
    const videos: Stream[] = [];
    const audios: Stream[] = [];
    for (let i = 0; i < 6; i++) {
      const sub = await participants.join(room, `sub${i}`, false);
      const remote = await until(() => sub.participants.get(publisher.localParticipant.id), 10_000);
      expect(remote).toBeTruthy();
      videos.push((await until(() => remote!.streamOf('video'), 10_000))!);
      audios.push((await until(() => remote!.streamOf('audio'), 10_000))!);
    }
    expect(await until(() => videos.every((v) => v.stats!.firstDecodableAt > 0) && audios.every((a) => a.stats!.packets > 20), 20_000)).toBe(true);
    // Counted from here (a retry runs after a first attempt that shed already).
    const shedVideoBefore = await metric('roomkit_media_shed_packets_total', 'worker="0",kind="video"');
    expect(shedVideoBefore).toBeGreaterThanOrEqual(0);

    // Starve the worker: 2 % of a core is below what receiving and forwarding this room takes
    // but leaves room for its audio. The quota follows the worker's cost: at 4 % (the earlier
    // setting) lateness reached 1.9-4.6 s in four runs; on 7 Dec it peaked at 596 ms before issue
    // #14's media-plane changes and at 370-400 ms after them (the worker got cheaper; not traced
    // further), under the 400 ms shedding threshold, so the test failed its first attempt; 3 % gave 509-703 ms; 2 % gave 1.5-3.1 s of
    // lateness with 463-500 audio packets per subscriber in 8 s (three runs, 7 Dec). At 1 % the
    // worker stalled for seconds at a time (2 to 105 audio packets in 8 s) and failed a CI run.
    const pid = (engine as unknown as { workers: Array<{ worker: { pid: number } }> }).workers[0]!.worker.pid;
    const audioBefore = audios.map((a) => a.stats!.packets);
    const limit = limitCpu(pid, 2, "overload");
    let latenessDuring = 0;
    try {
      for (let t = 0; t < 8; t++) {
        await sleep(1000);
        // A worker far behind may not answer the scrape in time (its reply queues behind packets): NaN.
        const lateness = await metric('roomkit_media_lateness_ms', 'worker="0"');
        if (Number.isFinite(lateness)) latenessDuring = Math.max(latenessDuring, lateness);
      }
    } finally {
      limit.release();
    }
    const audioDuring = audios.map((a, i) => a.stats!.packets - audioBefore[i]!);
    const shedVideo = (await metric('roomkit_media_shed_packets_total', 'worker="0",kind="video"')) - shedVideoBefore;
    const shedAudio = await metric('roomkit_media_shed_packets_total', 'worker="0",kind="audio"');
    console.log(JSON.stringify({ shedVideo, shedAudio, latenessDuring, audioDuring }));
    // The worker fell behind and shed video to catch up.
    expect(shedVideo).toBeGreaterThan(0);
    // Audio (50 packets/s, 400 in 8 s) kept flowing to every subscriber through the starvation:
    // 463-500 per subscriber at 2 % (the backlog from before included).
    for (const n of audioDuring) expect(n).toBeGreaterThan(150);

    // Once the worker has its CPU back, video flows again from a keyframe to every subscriber.
    const framesAfter = videos.map((v) => v.stats!.framesComplete);
    const keyframesAfter = videos.map((v) => v.stats!.keyframes);
    expect(
      await until(() => videos.every((v, i) => v.stats!.framesComplete > framesAfter[i]! + 30 && v.stats!.keyframes > keyframesAfter[i]!), 20_000),
    ).toBe(true);
    for (const v of videos) expect(v.stats!.invalidRtp + v.stats!.invalidPayload + v.stats!.ssrcChanges).toBe(0);
    // And the backlog is gone: lateness is back near zero.
    let latenessAfter = Infinity;
    for (let i = 0; i < 20 && !(latenessAfter < 200); i++) {
      await sleep(500);
      latenessAfter = await metric('roomkit_media_lateness_ms', 'worker="0"');
    }
    expect(latenessAfter).toBeLessThan(200);
  });
});
