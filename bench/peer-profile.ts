// `npm run bench:peer-profile`: one bench:peer scenario against Roomkit only, with the server's CPU
// split per process (main, each media worker, tsx's esbuild services) so fixed costs and per-packet
// costs can be told apart, and optionally a profile of the busiest media worker over the window:
//   PROFILE_SCENARIO  1x10 (default) | 1x50 | meeting      PROFILE_WINDOW_S  window (20)
//   PROFILE_PERF=1    `perf record -g` on the media worker with the most CPU in the window (=main: the server process; =relay: the least busy worker)
//                     (report: /tmp/roomkit-perf.data; JS frames named via --perf-basic-prof)
//   PROFILE_IDLE=1    also measure 10 s of the idle server before any peer joins
//   PROFILE_ROOM_CAPACITY  mediaWorkerRoomCapacity for the server (0: rooms never span workers)
// Same clients and media as bench:peer; run it in the namespace (node scripts/netns.mjs ...).
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { loadSyntheticMedia } from '@roomkit/node-client';
import type { ReceiveStats } from '../packages/node-client/src/receive/ReceiveStats.js';
import { DelayRecorder, installSendStamps } from './peer/delay.js';
import { cpuSeconds } from './peer/proc.js';
import { sleep, startRoomkit, withTimeout } from './peer/roomkit.js';
import type { Peer } from './peer/types.js';

const SCENARIO = process.env.PROFILE_SCENARIO ?? '1x10';
const WINDOW_S = Number(process.env.PROFILE_WINDOW_S ?? 20);
const t0 = performance.now();
const log = (s: string) => console.log(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${s}`);

function label(pid: number): string {
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    if (cmd.includes('mediaWorker')) return `media worker ${pid}`;
    if (cmd.includes('esbuild')) return `esbuild ${pid}`;
    if (cmd.includes('cli.ts')) return `main ${pid}`;
    return `${pid} ${cmd.slice(0, 40)}`;
  } catch {
    return `${pid} (gone)`;
  }
}

/** Context switches (voluntary + involuntary) of every thread of a process: each is a thread going to sleep or being woken. */
function switches(pid: number): number {
  let n = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
      n += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0) + Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    }
  } catch {
    // the process or a thread is gone
  }
  return n;
}

function packets(peers: readonly Peer[]): number {
  let n = 0;
  for (const p of peers) for (const s of p.received() as ReceiveStats[]) n += s.packets;
  return n;
}

/** Server-side packet counters (all workers) from /metrics: RTP in from publishers, out to subscribers. */
async function serverPackets(): Promise<{ in: number; out: number }> {
  const text = await fetch('http://127.0.0.1:17880/metrics').then((r) => r.text());
  const sum = (name: string) => [...text.matchAll(new RegExp(`^${name}\\{[^}]*\\} (\\d+)`, 'gm'))].reduce((a, m) => a + Number(m[1]), 0);
  return { in: sum('roomkit_media_packets_in_total'), out: sum('roomkit_media_packets_out_total') };
}

async function window(pids: number[], peers: readonly Peer[], seconds: number, perf: boolean): Promise<void> {
  const server0 = await serverPackets();
  const before = pids.map((pid) => cpuSeconds([pid]));
  const switchesBefore = pids.map(switches);
  const p0 = packets(peers);
  const tA = performance.now();
  let recorder: ReturnType<typeof spawn> | null = null;
  if (perf) {
    // Profile the worker that is busy now (the room's), sampled over a short pre-window.
    await sleep(2000);
    const busy = pids.map((pid, i) => ({ pid, cpu: cpuSeconds([pid]) - before[i]!, name: label(pid) }))
      .filter((x) => x.name.startsWith(process.env.PROFILE_PERF === 'main' ? 'main' : 'media worker'))
      .sort((a, b) => (process.env.PROFILE_PERF === 'relay' ? a.cpu - b.cpu : b.cpu - a.cpu))[0];
    if (busy) {
      log(`perf record on ${busy.name}`);
      recorder = spawn('perf', ['record', '-F', process.env.PROFILE_FREQ ?? '999', '-g', '-o', '/tmp/roomkit-perf.data', '-p', String(busy.pid), '--', 'sleep', String(seconds - 3)], { stdio: 'inherit' });
    }
  }
  await sleep(seconds * 1000);
  if (recorder) await new Promise((r) => (recorder!.exitCode !== null ? r(null) : recorder!.once('exit', r)));
  const dt = (performance.now() - tA) / 1000;
  const server1 = await serverPackets();
  log(`  server: ${((server1.in - server0.in) / dt).toFixed(0)} RTP pkts/s in, ${((server1.out - server0.out) / dt).toFixed(0)} out`);
  const forwarded = packets(peers) - p0;
  let total = 0;
  for (const [i, pid] of pids.entries()) {
    const cpu = cpuSeconds([pid]) - before[i]!;
    total += cpu;
    log(`  ${label(pid).padEnd(24)} ${((cpu / dt) * 100).toFixed(1).padStart(5)} % of a core, ${((switches(pid) - switchesBefore[i]!) / dt).toFixed(0).padStart(6)} context switches/s`);
  }
  log(`  total ${((total / dt) * 100).toFixed(1)} %, ${forwarded} packets received, ${(forwarded / dt).toFixed(0)} pkts/s, ${total > 0 ? (forwarded / total).toFixed(0) : 'n/a'} pkts/CPU-s`);
}

async function main(): Promise<void> {
  if (!Object.keys(networkInterfaces()).every((n) => n === 'lo') && process.env.RK_IN_NETNS !== '1') {
    throw new Error('run me inside a private network namespace (node scripts/netns.mjs ...)');
  }
  const media = await loadSyntheticMedia({ layers: [{ rid: 'f', width: 1280, height: 720, bitrateKbps: 1000 }] });
  installSendStamps();
  const capacity = process.env.PROFILE_ROOM_CAPACITY;
  const target = await startRoomkit({ port: 17880, rtcPort: 17882, media, delay: new DelayRecorder(), log, ...(capacity && { config: { mediaWorkerRoomCapacity: Number(capacity) } }) });
  try {
    if (process.env.PROFILE_IDLE === '1') {
      log('idle server, 10 s:');
      await window(target.pids(), [], 10, false);
    }
    const room = await target.room(`profile-${Date.now().toString(36)}`);
    try {
      const [pubs, subs] = SCENARIO === 'meeting' ? [6, 0] : [1, Number(SCENARIO.split('x')[1] ?? 10)];
      const peers: Peer[] = [];
      for (let i = 0; i < pubs; i++) peers.push(await room.addPublisher(`pub-${i}`));
      for (let i = 0; i < subs; i += 10) {
        peers.push(...(await Promise.all(Array.from({ length: Math.min(10, subs - i) }, (_, k) => room.addSubscriber(`sub-${i + k}`)))));
      }
      await sleep(5000);
      log(`${SCENARIO}, ${WINDOW_S} s window:`);
      await window(target.pids(), pubs > 1 ? peers : peers.slice(1), WINDOW_S, ['1', 'main', 'relay'].includes(process.env.PROFILE_PERF ?? ''));
    } finally {
      await withTimeout(room.close(), 15_000).catch(() => {});
    }
  } finally {
    await target.stop();
  }
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exitCode = 1;
}).finally(() => setTimeout(() => process.exit(), 500));
