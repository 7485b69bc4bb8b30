// `npm run bench:workers`: does a second media worker double capacity? On a 2-core machine the load
// client needs a core itself, so each media worker is given the same fixed CPU quota (a cgroup,
// BENCH_WORKER_CPU percent of a core; needs root) and the capacity search runs until the workers,
// not the client, are the limit. Two rooms, each one 1 Mbps publisher (VP8 + Opus); subscribers are
// added BENCH_STEP per room at a time; a step passes when no media was shed, loss < 0.5 % and every
// subscriber got at least 90 % of the video packets the publisher sent. Capacity: subscribers at the
// last passing step. Run through scripts/netns.mjs (loopback only).
import { readFileSync } from 'node:fs';
import { loadSyntheticMedia } from '@roomkit/node-client';
import { limitCpu, type CpuLimit } from '../packages/server/test/helpers/cpuLimit.js';
import { DelayRecorder } from './peer/delay.js';
import { cpuSeconds } from './peer/proc.js';
import { sleep, startRoomkit } from './peer/roomkit.js';
import type { Peer, Room } from './peer/types.js';

const QUOTA = Number(process.env.BENCH_WORKER_CPU ?? 10);
const STEP = Number(process.env.BENCH_STEP ?? 5);
const MAX_PER_ROOM = Number(process.env.BENCH_MAX_PER_ROOM ?? 200);
const WINDOW_S = 5;
/** BENCH_SPAN=1: one room (one publisher) whose subscribers span the workers (mediaWorkerRoomCapacity = BENCH_STEP). */
const SPAN = process.env.BENCH_SPAN === '1';
const log = (s: string) => console.log(`[workers] ${s}`);
const media = await loadSyntheticMedia({ layers: [{ rid: 'f', width: 1280, height: 720, bitrateKbps: 1000 }] });

async function shedTotal(port: number): Promise<number> {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5000) }).then((r) => r.text(), () => '');
  let n = 0;
  for (const m of text.matchAll(/^roomkit_media_shed_packets_total\{[^}]*\} (\d+)/gm)) n += Number(m[1]);
  return n;
}

function videoOf(peer: Peer) {
  return peer.received().find((s) => s.keyframes > 0) ?? null;
}

async function run(workers: number, port: number) {
  const target = await startRoomkit({ port, rtcPort: port + 2, media, delay: new DelayRecorder(), log, mediaWorkers: String(workers), ...(SPAN && { config: { mediaWorkerRoomCapacity: STEP } }) });
  const limits: CpuLimit[] = [];
  try {
    const workerPids = target.pids().filter((pid) => { try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('mediaWorker'); } catch { return false; } });
    if (workerPids.length !== workers) throw new Error(`found ${workerPids.length} media workers, expected ${workers}`);
    for (const pid of workerPids) limits.push(limitCpu(pid, QUOTA, 'workers'));
    const rooms: Room[] = SPAN ? [await target.room(`cap-a-${port}`)] : [await target.room(`cap-a-${port}`), await target.room(`cap-b-${port}`)];
    const publishers = await Promise.all(rooms.map((r, i) => r.addPublisher(`pub${i}`)));
    void publishers;
    const subs: Peer[][] = [[], []];
    let capacity = 0;
    let last = '';
    for (let perRoom = STEP; perRoom <= MAX_PER_ROOM; perRoom += STEP) {
      for (let n = 0; n < 2 * STEP; n++) {
        const r = SPAN ? 0 : n % 2;
        subs[r]!.push(await rooms[r]!.addSubscriber(`s${r}-${perRoom}-${n}`));
      }
      await sleep(4000);
      const all = subs.flat();
      const a = all.map((p) => ({ packets: videoOf(p)?.packets ?? 0, lost: videoOf(p)?.lost ?? 0 }));
      const shedA = await shedTotal(port);
      const cpuA = cpuSeconds(workerPids);
      await sleep(WINDOW_S * 1000);
      const b = all.map((p) => ({ packets: videoOf(p)?.packets ?? 0, lost: videoOf(p)?.lost ?? 0 }));
      const shed = (await shedTotal(port)) - shedA;
      const cpu = cpuSeconds(workerPids) - cpuA;
      const got = b.map((x, i) => x.packets - a[i]!.packets);
      const lost = b.reduce((n, x, i) => n + x.lost - a[i]!.lost, 0);
      const received = got.reduce((n, x) => n + x, 0);
      const sorted = [...got].sort((x, y) => x - y);
      const median = sorted[Math.floor(sorted.length / 2)]!;
      // ~95 video packets/s for a 1 Mbps stream; the median subscriber stands for what was sent.
      const starved = got.filter((x) => x < 0.9 * median || x === 0).length;
      const loss = received + lost > 0 ? (lost / (received + lost)) * 100 : 0;
      const ok = shed === 0 && loss < 0.5 && starved === 0 && median > 0;
      last = `${perRoom * 2} subscribers: shed ${shed}, loss ${loss.toFixed(2)}%, starved ${starved}, video ${(median / WINDOW_S).toFixed(0)} pkt/s per subscriber, workers cpu ${((cpu / WINDOW_S) * 100).toFixed(0)}% (${(received / Math.max(cpu, 0.001)).toFixed(0)} video pkts received per worker CPU-s)${ok ? '' : ' FAIL'}`;
      log(`${workers} worker(s): ${last}`);
      if (!ok) break;
      capacity = perRoom * 2;
    }
    await Promise.all(rooms.map((r) => r.close()));
    return { workers, capacity, last };
  } finally {
    for (const l of limits) l.release();
    await target.stop();
  }
}

let rows: Awaited<ReturnType<typeof run>>[];
try {
  rows = [await run(1, 18030), await run(2, 18040)];
} catch (err) {
  console.error(`bench:workers failed: ${(err as Error).stack ?? err}`);
  process.exit(1);
}
console.log(`\nbench:workers — each media worker limited to ${QUOTA}% of a core; ${SPAN ? `1 room × 1 publisher (1 Mbps) spanning the workers (mediaWorkerRoomCapacity ${STEP})` : '2 rooms × 1 publisher (1 Mbps)'}, +${2 * STEP} subscribers per step`);
console.log('| media workers | capacity (subscribers) | last step |');
console.log('|---|---|---|');
for (const r of rows) console.log(`| ${r.workers} | ${r.capacity} | ${r.last} |`);
console.log(`2 workers / 1 worker capacity: ${(rows[1]!.capacity / Math.max(1, rows[0]!.capacity)).toFixed(2)}x`);
process.exit(0);
