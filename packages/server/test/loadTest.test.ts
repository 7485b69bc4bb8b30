// `roomkit load-test` against a server started the way `npm start` starts it (its own process
// tree: the server and one media worker), as an operator runs it: the JSON report's joins, media and
// traffic are what the Node clients received, and its server figures agree with /proc of that tree.
// Bad flags exit with 2 and name the flag.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = ['--import', 'tsx', 'packages/server/src/cli.ts'];

function cli(args: string[], timeoutMs = 120_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...CLI, ...args], { cwd: repoRoot, timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

// The load tester reads /proc through node-client's procStats; this test reads it on its own, so
// a mistake there cannot agree with itself.

/** The server and its descendants, read from /proc (ppid links). */
async function tree(root: number): Promise<number[]> {
  const children = new Map<number, number[]>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid)!.push(Number(entry));
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** utime + stime (s, all threads) and VmRSS (KB) summed over the tree. */
async function treeUsage(root: number): Promise<{ cpuSeconds: number; rssKb: number }> {
  let ticks = 0;
  let rssKb = 0;
  for (const pid of await tree(root)) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (f.length > 13) ticks += Number(f[11]) + Number(f[12]);
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    rssKb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  }
  return { cpuSeconds: ticks / 100, rssKb };
}

let server: ChildProcess;
let dataDir: string;
let url: string;
let output = '';

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'roomkit-loadtest-'));
  const port = 30000 + Math.floor(Math.random() * 5000);
  url = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, [...CLI, 'start', '--port', String(port), '--rtc-port', String(port + 1), '--bind', '127.0.0.1',
    '--announced-ip', '127.0.0.1', '--data-dir', dataDir, '--log-level', 'warn', '--media-workers', '1'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout!.on('data', (d) => (output += d));
  server.stderr!.on('data', (d) => (output += d));
  for (let i = 0; i < 150; i++) {
    if (await fetch(`${url}/health`).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the server did not come up: ${output}`);
}, 60_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  await rm(dataDir, { recursive: true, force: true });
});

describe('roomkit load-test', () => {
  it('reports the joins, the media every subscriber received and the server process tree\'s CPU and memory as /proc shows them', async () => {
    const before = await treeUsage(server.pid!);
    const r = await cli(['load-test', '--url', url, '--publishers', '1', '--subscribers', '3', '--layers', '2', '--duration', '3', '--json', '--server-pid', String(server.pid)]);
    const after = await treeUsage(server.pid!);
    expect(r.code, `${r.stderr}\n${output}`).toBe(0);
    const report = JSON.parse(r.stdout);

    expect(report.participants).toBe(4);
    expect(report.joinFailures).toBe(0);
    // Every subscriber decoded the publisher's video, and nothing arrived malformed.
    expect(report.firstMediaMs.count).toBe(3);
    expect(report.firstMediaMs.p50).toBeGreaterThan(0);
    expect(report.streamsWithoutMedia).toBe(0);
    expect(report.invalid).toBe(0);
    expect(report.lossPercent).toBeLessThan(5);
    // 3 subscribers × (video ≥ ~15 packets/s on the lowest layer + 50 audio packets/s) × ~3 s.
    expect(report.packetsIn).toBeGreaterThan(3 * 50 * 2.5);
    expect(report.bitrateInKbps).toBeGreaterThan(3 * 100);
    expect(report.packetsOut).toBeGreaterThan(0);

    // The server figures are the server's tree: the same pid, CPU within what /proc saw over the
    // whole run (the report's is the window only), memory near what /proc reads now.
    const s = report.server;
    expect(s.pid).toBe(server.pid);
    expect(s.threads).toBeGreaterThan(2);
    expect(s.cpuSeconds).toBeGreaterThan(0);
    expect(s.cpuSeconds).toBeLessThanOrEqual(after.cpuSeconds - before.cpuSeconds + 0.05);
    expect(s.cpuPercent).toBeLessThan(100 * cpus().length);
    expect(s.forwardedPacketsPerCpuSecond).toBeCloseTo(report.packetsIn / s.cpuSeconds, 0);
    expect(s.rssPeakSampledKb).toBeGreaterThan(after.rssKb * 0.6);
    expect(s.rssPeakSampledKb).toBeLessThan(after.rssKb * 1.6);
    expect(s.rssBeforeKb).toBeGreaterThan(before.rssKb * 0.6);
    expect(s.rssBeforeKb).toBeLessThan(before.rssKb * 1.6);
  }, 150_000);

  it('bad flags exit with 2 and name the flag; nothing runs', async () => {
    const count = await cli(['load-test', '--url', url, '--subscribers', 'many']);
    expect(count.code).toBe(2);
    expect(count.stderr).toContain('--subscribers');
    const layers = await cli(['load-test', '--url', url, '--layers', '4']);
    expect(layers.code).toBe(2);
    expect(layers.stderr).toContain('--layers');
    const badUrl = await cli(['load-test', '--url', 'ftp://example']);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('--url');
    const unknown = await cli(['load-test', '--url', url, '--subscriber', '3']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--subscriber');
  }, 60_000);
});
