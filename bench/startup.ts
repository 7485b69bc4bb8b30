// `npm run bench:startup`: the server's start time (spawn → first `/health` ok) and the memory of its
// whole process tree (main process, 2 media workers, and any helper such as esbuild's service), run
// from the TypeScript sources through tsx (`npm run start:dev`, how `npm start` ran before) and
// compiled (`npm start`: plain node on the built dist/, with the build already current). Runs each
// BENCH_RUNS times (default 3), alternating, and prints min / median / max. The one-time build is
// timed once first. RSS is summed from /proc/<pid>/status (VmRSS) 2 s after /health answers ok.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const { NODE_OPTIONS: _drop, ...env } = process.env;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const MODES = {
  tsx: ['--import', 'tsx', 'packages/server/src/cli.ts', 'start'],
  compiled: ['--conditions=roomkit-dist', 'scripts/start.mjs', 'start'],
} as const;
type Mode = keyof typeof MODES;

/** pid and its descendants: [pid, VmRSS kB, command]. */
function tree(root: number): Array<[number, number, string]> {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${name}/status`, 'utf8'))?.[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // exited meanwhile
    }
  }
  const out: Array<[number, number, string]> = [];
  const visit = (pid: number) => {
    try {
      const rss = Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      out.push([pid, rss, cmd]);
    } catch {
      return;
    }
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return out;
}

async function once(mode: Mode, port: number): Promise<{ startMs: number; rssMb: number; processes: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'roomkit-bench-startup-'));
  const args = [...MODES[mode], '--port', String(port), '--rtc-port', String(port + 1), '--data-dir', dataDir, '--media-workers', '2', '--log-level', 'silent'];
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: 'inherit' });
  const exited = new Promise((r) => child.once('exit', r));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${mode} server exited ${child.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
      if (ok) break;
      await sleep(20);
    }
    const startMs = performance.now() - t0;
    await sleep(2000);
    const procs = tree(child.pid!);
    return { startMs, rssMb: procs.reduce((sum, [, rss]) => sum + rss, 0) / 1024, processes: procs.length };
  } finally {
    child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const fmt = (xs: number[], digits: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return `${s[0].toFixed(digits)} / ${s[Math.floor(s.length / 2)].toFixed(digits)} / ${s[s.length - 1].toFixed(digits)}`;
};

const b0 = performance.now();
const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, env, stdio: 'inherit' });
if (build.status !== 0) throw new Error('build failed');
console.log(`[startup] build (npm run build: tsc per package + esbuild SDK), once: ${((performance.now() - b0) / 1000).toFixed(1)} s`);

const results: Record<Mode, Array<{ startMs: number; rssMb: number; processes: number }>> = { tsx: [], compiled: [] };
let port = 27880;
for (let i = 0; i < RUNS; i++) {
  for (const mode of Object.keys(MODES) as Mode[]) {
    results[mode].push(await once(mode, port));
    port += 10;
  }
}
console.log(`[startup] ${RUNS} runs each, 2 media workers; min / median / max`);
console.log('mode      | start → /health ok (s) | RSS of process tree (MB) | processes');
for (const mode of Object.keys(MODES) as Mode[]) {
  const r = results[mode];
  console.log(`${mode.padEnd(9)} | ${fmt(r.map((x) => x.startMs / 1000), 2).padEnd(22)} | ${fmt(r.map((x) => x.rssMb), 0).padEnd(24)} | ${fmt(r.map((x) => x.processes), 0)}`);
}
