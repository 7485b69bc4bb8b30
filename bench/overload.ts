// `npm run bench:overload`: forwarding delay when a media worker cannot keep up, with shedding of
// stale media off (mediaMaxLatenessMs 0) and on (the defaults). One worker, one 1 Mbps publisher
// (VP8 + Opus) and BENCH_SUBSCRIBERS receive-only subscribers (Node client, this process); after a
// calm phase the worker process is starved of CPU for real (a cgroup CFS quota of BENCH_CPU_PERCENT
// of a core, needs root), then given its CPU back. Video forwarding delay per packet is measured as
// in bench:peer (send stamp → arrival, one clock). Run through scripts/netns.mjs (loopback only).
import { readFileSync } from 'node:fs';
import { loadSyntheticMedia } from '@roomkit/node-client';
import { distribution } from '../packages/node-client/src/loadtest/percentiles.js';
import { limitCpu } from '../packages/server/test/helpers/cpuLimit.js';
import { DelayRecorder, installSendStamps } from './peer/delay.js';
import { sleep, startRoomkit } from './peer/roomkit.js';
import type { Peer } from './peer/types.js';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 10);
const CPU_PERCENT = Number(process.env.BENCH_CPU_PERCENT ?? 1);
const CALM_S = 5;
const OVERLOAD_S = Number(process.env.BENCH_OVERLOAD_SECONDS ?? 12);
const AFTER_S = 8;
const log = (s: string) => console.log(`[overload] ${s}`);

installSendStamps();
const delay = new DelayRecorder();
const media = await loadSyntheticMedia({ layers: [{ rid: 'f', width: 1280, height: 720, bitrateKbps: 1000 }] });

interface Phase { p50: number; p99: number; max: number; samples: number; audioPps: number; videoFps: number }

function counts(peers: Peer[]) {
  let audio = 0;
  let frames = 0;
  for (const p of peers) for (const s of p.received()) {
    if (s.keyframes === 0 && s.framesComplete === 0) audio += s.packets;
    else frames += s.framesComplete;
  }
  return { audio, frames };
}

async function phase(peers: Peer[], seconds: number, during?: () => Promise<void>): Promise<Phase> {
  const a = counts(peers);
  delay.samples = [];
  delay.recording = true;
  const t = performance.now();
  await (during ? during() : sleep(seconds * 1000));
  delay.recording = false;
  const dt = (performance.now() - t) / 1000;
  const b = counts(peers);
  const d = distribution(delay.samples);
  const max = delay.samples.reduce((m, x) => (x > m ? x : m), 0);
  return { p50: d.p50, p99: d.p99, max, samples: d.count, audioPps: (b.audio - a.audio) / dt / peers.length, videoFps: (b.frames - a.frames) / dt / peers.length };
}

async function metrics(url: string): Promise<string> {
  const text = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5000) }).then((r) => r.text(), () => '');
  return text.split('\n').filter((l) => l.startsWith('roomkit_media_shed') || l.startsWith('roomkit_media_lateness')).map((l) => l.replace('roomkit_media_', '')).join(', ');
}

async function run(name: string, config: Record<string, unknown>, port: number) {
  const target = await startRoomkit({ port, rtcPort: port + 2, media, delay, log, config, mediaWorkers: '1' });
  try {
    const worker = target.pids().find((pid) => { try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('mediaWorker'); } catch { return false; } });
    if (!worker) throw new Error('media worker process not found');
    const room = await target.room(`overload-${port}`);
    await room.addPublisher('pub');
    const peers: Peer[] = [];
    for (let i = 0; i < SUBSCRIBERS; i++) peers.push(await room.addSubscriber(`sub${i}`));
    await sleep(3000);
    const calm = await phase(peers, CALM_S);
    let lateness = 0;
    const overload = await phase(peers, OVERLOAD_S, async () => {
      const limit = limitCpu(worker, CPU_PERCENT, 'bench');
      try {
        for (let i = 0; i < OVERLOAD_S; i++) {
          await sleep(1000);
          const m = /lateness_ms\{worker="0"\} (\d+)/.exec(await metrics(`http://127.0.0.1:${port}`));
          if (m) lateness = Math.max(lateness, Number(m[1]));
        }
      } finally {
        limit.release();
      }
    });
    const after = await phase(peers, AFTER_S);
    const m = await metrics(`http://127.0.0.1:${port}`);
    log(`${name}: calm p99 ${calm.p99.toFixed(1)} ms; overload p50/p99/max ${overload.p50.toFixed(0)}/${overload.p99.toFixed(0)}/${overload.max.toFixed(0)} ms, audio ${overload.audioPps.toFixed(0)} pkt/s, video ${overload.videoFps.toFixed(1)} fps per subscriber; after p99 ${after.p99.toFixed(0)} ms, video ${after.videoFps.toFixed(1)} fps; peak lateness ${lateness} ms; ${m}`);
    await room.close();
    return { name, calm, overload, after, lateness };
  } finally {
    await target.stop();
  }
}

let rows: Awaited<ReturnType<typeof run>>[];
try {
  rows = [
    await run('shedding off', { mediaMaxLatenessMs: { video: 0, audio: 0 } }, 17980),
    await run('shedding on', {}, 17990),
  ];
} catch (err) {
  console.error(`bench:overload failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
}
const f = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '-');
console.log(`\nbench:overload — 1 worker starved to ${CPU_PERCENT}% of a core for ${OVERLOAD_S} s, 1 publisher → ${SUBSCRIBERS} subscribers (video delay, ms)`);
console.log('| | calm p99 | overload p50 | overload p99 | overload max | audio pkt/s/sub | video fps/sub (overload) | after p99 | video fps/sub (after) |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.name} | ${r.calm.p99.toFixed(1)} | ${f(r.overload.p50)} | ${f(r.overload.p99)} | ${f(r.overload.max)} | ${r.overload.audioPps.toFixed(0)} | ${r.overload.videoFps.toFixed(1)} | ${f(r.after.p99)} | ${r.after.videoFps.toFixed(1)} |`);
process.exit(0);
