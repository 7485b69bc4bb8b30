// `npm run bench:peer`: Roomkit and Janus VideoRoom (Debian janus 1.1.2, event_loops = cores) side by
// side in one run, same Node clients, same synthetic media (one 1 Mbps VP8 stream + 32 kbps Opus per
// publisher, no simulcast), inside a private network namespace (scripts/netns.mjs). For each server:
//   - scenarios 1 publisher → 10 and → 50 subscribers, and a 6-person meeting (everyone publishes and
//     receives the other 5): forwarded packets per CPU-second (packets received by all clients in
//     the window / server CPU seconds in the window, all threads, Roomkit's media worker processes
//     included), loss, p99 forwarding delay (see peer/delay.ts);
//   - capacity: one 1 Mbps publisher, subscribers added 10 at a time up to a cap, each step measured
//     over a window; the max is the last step with loss < 0.5 % and every subscriber receiving video.
// Then ours/Janus ratios; the last line is the summary. Every wait is bounded; both servers and all
// peers are stopped on every path. Env: BENCH_WINDOW_S (10), BENCH_CAP (150), BENCH_STEP (10),
// BENCH_STEP_WINDOW_S (5), BENCH_ONLY (roomkit|janus).
import { networkInterfaces } from 'node:os';
import { loadSyntheticMedia } from '@roomkit/node-client';
import { distribution } from '../packages/node-client/src/loadtest/percentiles.js';
import type { ReceiveStats } from '../packages/node-client/src/receive/ReceiveStats.js';
import { DelayRecorder, installSendStamps } from './peer/delay.js';
import { startJanus } from './peer/janus.js';
import { cpuSeconds } from './peer/proc.js';
import { sleep, startRoomkit, withTimeout } from './peer/roomkit.js';
import type { Peer, Room, Target } from './peer/types.js';

const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 10);
const CAP = Number(process.env.BENCH_CAP ?? 150);
const STEP = Number(process.env.BENCH_STEP ?? 10);
const STEP_WINDOW_S = Number(process.env.BENCH_STEP_WINDOW_S ?? 5);
const ONLY = process.env.BENCH_ONLY ?? '';
const LOSS_LIMIT = 0.5;
const SETTLE_MAX_MS = 8000;
const WARMUP_MS = 2000;
/**
 * Before its first measured scenario, each server runs the first scenario this long unmeasured:
 * a freshly started Node server is still compiling its hot paths and collecting its start-up
 * garbage, which landed in the first scenario's window (1 → 10 went from ~21k to ~17k pkts/CPU-s
 * between two runs of the same code). 0 skips it.
 */
const SERVER_WARMUP_S = Number(process.env.BENCH_SERVER_WARMUP_S ?? 10);
const JOIN_CONCURRENCY = 10;
const PHASE_TIMEOUT_MS = 10 * 60_000;

const t0 = performance.now();
const log = (s: string) => console.log(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${s}`);

interface Figures {
  pps: number;
  cpuPercent: number;
  /** This process (every client) in the same window: on a 2-core box the clients compete with the server. */
  clientCpuPercent: number;
  packets: number;
  lossPercent: number;
  p50: number;
  p99: number;
  delaySamples: number;
  missing: number;
}
interface Capacity {
  max: number;
  steps: string[];
  note: string;
}
interface Result {
  scenarios: Map<string, Figures | string>;
  capacity: Capacity | string;
}

const SCENARIOS = [
  { name: '1 pub → 10 subs', publishers: 1, subscribers: 10 },
  { name: '1 pub → 50 subs', publishers: 1, subscribers: 50 },
  { name: '6-person meeting', publishers: 6, subscribers: 0 },
];

const delay = new DelayRecorder();

function totals(peers: readonly Peer[]): { packets: number; lost: number } {
  let packets = 0;
  let lost = 0;
  for (const p of peers) for (const s of p.received()) {
    packets += s.packets;
    lost += s.lost;
  }
  return { packets, lost };
}

/** Peers whose expected remote videos have not all produced a decodable frame. */
function missingVideo(peers: ReadonlyArray<{ peer: Peer; expect: number }>): number {
  let missing = 0;
  for (const { peer, expect } of peers) {
    const ok = peer.received().filter((s: ReceiveStats) => s.firstDecodableAt > 0 && s.keyframes > 0).length;
    missing += Math.max(0, expect - ok);
  }
  return missing;
}

async function settle(peers: ReadonlyArray<{ peer: Peer; expect: number }>): Promise<void> {
  const deadline = performance.now() + SETTLE_MAX_MS;
  while (missingVideo(peers) > 0 && performance.now() < deadline) await sleep(100);
}

async function joinAll<T>(n: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i += JOIN_CONCURRENCY) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(JOIN_CONCURRENCY, n - i) }, (_, k) => fn(i + k)))));
  }
  return out;
}

async function measure(target: Target, peers: readonly Peer[], seconds: number): Promise<Omit<Figures, 'missing'>> {
  const pids = target.pids();
  const a = totals(peers);
  const cpuA = cpuSeconds(pids);
  const tA = performance.now();
  const clientA = process.cpuUsage();
  delay.samples = [];
  delay.unmatched = 0;
  delay.recording = true;
  await sleep(seconds * 1000);
  delay.recording = false;
  const b = totals(peers);
  const cpuB = cpuSeconds(pids);
  const client = process.cpuUsage(clientA);
  const dt = (performance.now() - tA) / 1000;
  const packets = b.packets - a.packets;
  const lost = b.lost - a.lost;
  const cpu = cpuB - cpuA;
  const d = distribution(delay.samples);
  return {
    pps: cpu > 0 ? packets / cpu : NaN,
    cpuPercent: (cpu / dt) * 100,
    clientCpuPercent: ((client.user + client.system) / 1e6 / dt) * 100,
    packets,
    lossPercent: packets + lost > 0 ? (lost / (packets + lost)) * 100 : 0,
    p50: d.p50,
    p99: d.p99,
    delaySamples: d.count,
  };
}

async function scenario(target: Target, sc: (typeof SCENARIOS)[number], index: number, windowS = WINDOW_S): Promise<Figures> {
  const room: Room = await target.room(`peer-${sc.publishers}x${sc.subscribers}-${index}-${Date.now().toString(36)}`);
  try {
    const pubs = await joinAll(sc.publishers, (i) => room.addPublisher(`pub-${i}`));
    await room.subscribeAll?.();
    const subs = await joinAll(sc.subscribers, (i) => room.addSubscriber(`sub-${i}`));
    const watched = [
      ...(sc.publishers > 1 ? pubs.map((peer) => ({ peer, expect: sc.publishers - 1 })) : []),
      ...subs.map((peer) => ({ peer, expect: sc.publishers })),
    ];
    await settle(watched);
    await sleep(WARMUP_MS);
    const f = await measure(target, watched.map((w) => w.peer), windowS);
    return { ...f, missing: missingVideo(watched) };
  } finally {
    await withTimeout(room.close(), 15_000).catch(() => {});
  }
}

async function capacity(target: Target): Promise<Capacity> {
  const room = await target.room(`peer-capacity-${Date.now().toString(36)}`);
  const steps: string[] = [];
  let max = 0;
  let note = '';
  try {
    await room.addPublisher('cap-pub');
    const subs: Peer[] = [];
    for (let n = STEP; n <= CAP; n += STEP) {
      try {
        subs.push(...(await joinAll(STEP, (i) => room.addSubscriber(`cap-sub-${n - STEP + i}`))));
      } catch (err) {
        note = `join failed at ${n}: ${(err as Error).message}`;
        steps.push(`${n}: join failed`);
        break;
      }
      const watched = subs.map((peer) => ({ peer, expect: 1 }));
      await settle(watched);
      await sleep(WARMUP_MS);
      const f = await measure(target, subs, STEP_WINDOW_S);
      const missing = missingVideo(watched);
      const ok = f.lossPercent < LOSS_LIMIT && missing === 0;
      steps.push(`${n}: loss ${f.lossPercent.toFixed(2)}%${missing ? `, ${missing} without video` : ''}, server cpu ${f.cpuPercent.toFixed(0)}%, client cpu ${f.clientCpuPercent.toFixed(0)}%, p99 ${f.p99.toFixed(1)} ms${ok ? '' : ' FAIL'}`);
      log(`${target.name} capacity ${steps[steps.length - 1]}`);
      if (!ok) break;
      max = n;
      if (n + STEP > CAP) note = `reached the cap (${CAP})`;
    }
  } finally {
    await withTimeout(room.close(), 20_000).catch(() => {});
  }
  return { max, steps, note };
}

async function runPhase(name: string, start: () => Promise<Target>): Promise<Result> {
  const result: Result = { scenarios: new Map(), capacity: 'not run' };
  let target: Target;
  try {
    target = await start();
  } catch (err) {
    const msg = `${name} failed to start: ${(err as Error).message}`;
    log(msg);
    for (const sc of SCENARIOS) result.scenarios.set(sc.name, msg);
    result.capacity = msg;
    return result;
  }
  try {
    await withTimeout((async () => {
      if (SERVER_WARMUP_S > 0) {
        await scenario(target, SCENARIOS[0]!, -1, SERVER_WARMUP_S).then(
          (f) => log(`${name} warm-up (${SCENARIOS[0]!.name}, ${SERVER_WARMUP_S} s, not counted): ${f.pps.toFixed(0)} pkts/CPU-s`),
          (err: Error) => log(`${name} warm-up failed: ${err.message}`),
        );
        await sleep(1000);
      }
      for (const [i, sc] of SCENARIOS.entries()) {
        try {
          const f = await scenario(target, sc, i);
          result.scenarios.set(sc.name, f);
          log(`${name} ${sc.name}: ${f.pps.toFixed(0)} pkts/CPU-s, server cpu ${f.cpuPercent.toFixed(0)}%, client cpu ${f.clientCpuPercent.toFixed(0)}%, loss ${f.lossPercent.toFixed(2)}%, delay p50/p99 ${f.p50.toFixed(1)}/${f.p99.toFixed(1)} ms (n=${f.delaySamples}, unmatched ${delay.unmatched})${f.missing ? `, ${f.missing} videos missing` : ''}`);
        } catch (err) {
          result.scenarios.set(sc.name, `failed: ${(err as Error).message}`);
          log(`${name} ${sc.name} failed: ${(err as Error).message}`);
        }
        await sleep(1000);
      }
      try {
        result.capacity = await capacity(target);
      } catch (err) {
        result.capacity = `failed: ${(err as Error).message}`;
        log(`${name} capacity failed: ${(err as Error).message}`);
      }
    })(), PHASE_TIMEOUT_MS);
  } catch (err) {
    log(`${name}: ${(err as Error).message}`);
  } finally {
    await target.stop().catch((err: Error) => log(`${name} stop: ${err.message}`));
  }
  return result;
}

const fmt = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : NaN);

function report(ours: Result, janus: Result): void {
  const rows: string[][] = [['scenario', 'metric', 'Roomkit', 'Janus', 'ours/Janus']];
  const ppsRatios: number[] = [];
  const delayRatios: number[] = [];
  for (const sc of SCENARIOS) {
    const o = ours.scenarios.get(sc.name);
    const j = janus.scenarios.get(sc.name);
    const of = typeof o === 'object' ? o : null;
    const jf = typeof j === 'object' ? j : null;
    const row = (metric: string, get: (f: Figures) => number, d: number, r: boolean, collect?: number[]) => {
      const a = of ? get(of) : NaN;
      const b = jf ? get(jf) : NaN;
      const x = ratio(a, b);
      if (collect && Number.isFinite(x)) collect.push(x);
      rows.push([sc.name, metric, of ? fmt(a, d) : 'n/a', jf ? fmt(b, d) : 'n/a', r ? (Number.isFinite(x) ? `${x.toFixed(2)}x` : 'n/a') : '']);
    };
    row('forwarded pkts / CPU-s', (f) => f.pps, 0, true, ppsRatios);
    row('server CPU % of one core', (f) => f.cpuPercent, 0, false);
    row('client CPU % (all peers)', (f) => f.clientCpuPercent, 0, false);
    row('loss %', (f) => f.lossPercent, 3, false);
    row('remote videos without a frame', (f) => f.missing, 0, false);
    row('delay p50 ms', (f) => f.p50, 1, false);
    row('delay p99 ms', (f) => f.p99, 1, true, delayRatios);
    for (const [who, v] of [['Roomkit', o], ['Janus', j]] as const) if (typeof v === 'string') rows.push([sc.name, `${who} error`, v, '', '']);
  }
  const oc = typeof ours.capacity === 'object' ? ours.capacity : null;
  const jc = typeof janus.capacity === 'object' ? janus.capacity : null;
  const capRatio = ratio(oc?.max ?? NaN, jc?.max ?? NaN);
  rows.push([`1 Mbps pub, +${STEP} subs/step ≤ ${CAP}`, `max subs at <${LOSS_LIMIT}% loss`,
    oc ? `${oc.max}${oc.note.startsWith('reached') ? ' (cap)' : ''}` : 'n/a', jc ? `${jc.max}${jc.note.startsWith('reached') ? ' (cap)' : ''}` : 'n/a',
    Number.isFinite(capRatio) ? `${capRatio.toFixed(2)}x` : 'n/a']);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  console.log('');
  for (const r of rows) console.log(r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
  console.log('');
  for (const [who, c] of [['Roomkit', ours.capacity], ['Janus', janus.capacity]] as const) {
    if (typeof c === 'string') console.log(`capacity ${who}: ${c}`);
    else console.log(`capacity ${who}: ${c.steps.join('; ')}${c.note ? ` (${c.note})` : ''}`);
  }
  console.log('');
  const geo = (xs: number[]) => (xs.length > 0 ? Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length) : NaN);
  const x = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}x` : 'n/a');
  console.log(`SUMMARY ours/Janus: forwarded packets per CPU-second ${x(geo(ppsRatios))} (geometric mean of ${ppsRatios.length} scenarios, higher is better), ` +
    `max subscribers ${x(capRatio)}, p99 forwarding delay ${x(geo(delayRatios))} (lower is better)`);
}

async function main(): Promise<void> {
  if (!Object.keys(networkInterfaces()).every((n) => n === 'lo') && process.env.RK_IN_NETNS !== '1') {
    throw new Error('run me inside a private network namespace: npm run bench:peer (node scripts/netns.mjs ...)');
  }
  log(`window ${WINDOW_S} s per scenario; capacity +${STEP}/step up to ${CAP}, ${STEP_WINDOW_S} s per step; loss limit ${LOSS_LIMIT}%`);
  const media = await loadSyntheticMedia({ layers: [{ rid: 'f', width: 1280, height: 720, bitrateKbps: 1000 }] });
  installSendStamps();
  const skipped = (why: string): Result => ({ scenarios: new Map(SCENARIOS.map((s) => [s.name, why])), capacity: why });
  const ours = ONLY === 'janus' ? skipped('skipped (BENCH_ONLY)') : await runPhase('Roomkit', () => startRoomkit({ port: 17880, rtcPort: 17882, media, delay, log }));
  const janus = ONLY === 'roomkit' ? skipped('skipped (BENCH_ONLY)') : await runPhase('Janus', () => startJanus({ httpPort: 18088, media, delay, log }));
  report(ours, janus);
}

let exitCode = 0;
main().catch((err: Error) => {
  console.error(`bench:peer: ${err.stack ?? err.message}`);
  exitCode = 1;
}).finally(() => {
  // node-datachannel keeps threads alive: leave explicitly once everything is closed.
  setTimeout(() => process.exit(exitCode), 500);
});
