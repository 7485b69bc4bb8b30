// `npm run bench:memory`: where server memory per subscriber goes. One media worker, one publisher
// (1 Mbps VP8 + Opus), then BENCH_SUBSCRIBERS receive-only subscribers (Node client, this process).
// Reads the main process and the worker separately from /proc (RSS, anonymous memory, threads)
// before and after, so a worker's baseline is not counted per subscriber; run with glibc's default
// malloc arenas and with MALLOC_ARENA_MAX=2 (the media workers' default), since libdatachannel
// allocates from several threads.
import { readFileSync } from 'node:fs';
import { loadSyntheticMedia } from '@roomkit/node-client';
import { DelayRecorder } from './peer/delay.js';
import { sleep, startRoomkit } from './peer/roomkit.js';

// 100 by default: with 40 (the old default) the main process's start-up heap shrinking during the
// run outweighed the subscribers on 6 Dec (negative KB per subscriber).
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 100);
const log = (s: string) => console.log(`[memory] ${s}`);
const media = await loadSyntheticMedia({ layers: [{ rid: 'f', width: 1280, height: 720, bitrateKbps: 1000 }] });

interface Mem { rssKb: number; anonKb: number; threads: number }
function mem(pid: number): Mem {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const field = (text: string, name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  return { rssKb: field(status, 'VmRSS'), anonKb: field(rollup, 'Anonymous'), threads: field(status, 'Threads') };
}

async function heapKb(port: number): Promise<number> {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
  return Number(/roomkit_media_worker_heap_used_bytes\{worker="0"\} (\d+)/.exec(text)?.[1] ?? NaN) / 1024;
}

async function run(name: string, env: Record<string, string>, port: number) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const target = await startRoomkit({ port, rtcPort: port + 2, media, delay: new DelayRecorder(), log, mediaWorkers: '1' });
  process.env = saved;
  try {
    const [main, ...rest] = target.pids();
    const worker = rest.find((pid) => { try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('mediaWorker'); } catch { return false; } })!;
    const idle = { main: mem(main!), worker: mem(worker) };
    const room = await target.room(`mem-${port}`);
    await room.addPublisher('pub');
    await sleep(3000);
    const one = { main: mem(main!), worker: mem(worker) };
    const heapOne = await heapKb(port);
    const peers = [];
    const half = Math.floor(SUBSCRIBERS / 2);
    for (let i = 0; i < half; i++) peers.push(await room.addSubscriber(`sub${i}`));
    await sleep(8000);
    // The second half's growth alone: one-time growth (V8 heap sizing, malloc arenas, JIT code,
    // thread stacks) mostly happens with the first subscribers and would count as per-subscriber.
    const halfway = { main: mem(main!), worker: mem(worker) };
    for (let i = half; i < SUBSCRIBERS; i++) peers.push(await room.addSubscriber(`sub${i}`));
    await sleep(8000);
    const receiving = peers.filter((p) => p.received().some((s) => s.framesComplete > 0)).length;
    log(`${name}: ${receiving}/${SUBSCRIBERS} subscribers decoding video`);
    const loaded = { main: mem(main!), worker: mem(worker) };
    const heapPerSub = ((await heapKb(port)) - heapOne) / SUBSCRIBERS;
    log(`${name}: worker JS heap per subscriber ${heapPerSub.toFixed(0)} KB (the rest of its RSS growth is native: libdatachannel, OpenSSL, libsrtp, buffers)`);
    const per = (a: Mem, b: Mem) => `rss ${((b.rssKb - a.rssKb) / SUBSCRIBERS).toFixed(0)} KB, anon ${((b.anonKb - a.anonKb) / SUBSCRIBERS).toFixed(0)} KB, threads +${b.threads - a.threads}`;
    log(`${name}: idle main ${(idle.main.rssKb / 1024).toFixed(0)} MB, worker ${(idle.worker.rssKb / 1024).toFixed(0)} MB; with the publisher main ${(one.main.rssKb / 1024).toFixed(0)} MB, worker ${(one.worker.rssKb / 1024).toFixed(0)} MB`);
    log(`${name}: per subscriber (${SUBSCRIBERS}): worker ${per(one.worker, loaded.worker)}; main ${per(one.main, loaded.main)}`);
    await room.close();
    return { name, idle, one, halfway, loaded, heapPerSub };
  } finally {
    await target.stop();
  }
}

// Media workers default to MALLOC_ARENA_MAX=2 (WorkerMediaEngine); 16 is glibc's own default here (8 per core).
const rows = [await run('MALLOC_ARENA_MAX=16 (glibc default)', { MALLOC_ARENA_MAX: '16' }, 18010), await run('MALLOC_ARENA_MAX=2 (worker default)', { MALLOC_ARENA_MAX: '2' }, 18020)];
console.log(`\nbench:memory — 1 worker, 1 publisher, ${SUBSCRIBERS} subscribers (KB per subscriber; baselines in MB)`);
console.log('| | main idle MB | worker idle MB | worker RSS/sub | worker anon/sub | main RSS/sub | worker RSS/sub, 2nd half | main RSS/sub, 2nd half | worker threads + | worker JS heap/sub |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const d = (k: 'main' | 'worker', f: 'rssKb' | 'anonKb') => ((r.loaded[k][f] - r.one[k][f]) / SUBSCRIBERS).toFixed(0);
  const m = (k: 'main' | 'worker') => ((r.loaded[k].rssKb - r.halfway[k].rssKb) / (SUBSCRIBERS - Math.floor(SUBSCRIBERS / 2))).toFixed(0);
  console.log(`| ${r.name} | ${(r.idle.main.rssKb / 1024).toFixed(0)} | ${(r.idle.worker.rssKb / 1024).toFixed(0)} | ${d('worker', 'rssKb')} | ${d('worker', 'anonKb')} | ${d('main', 'rssKb')} | ${m('worker')} | ${m('main')} | ${r.loaded.worker.threads - r.one.worker.threads} | ${r.heapPerSub.toFixed(0)} |`);
}
process.exit(0);
