/**
 * Egress CPU: what one 720p composite recording costs, with 2 and 4 participants (fake camera and
 * mic, each in its own Chromium context), through the real server, compositor and ffmpeg.
 *
 * For each participant count, the bench process's own CPU (server + playwright driver) is read
 * over a `--window-s` window without a job (baseline), then the recording is started over REST
 * (`quality: 'med'`, GRID), left to settle, and over the same window it reads the CPU time
 * (utime + stime from /proc/<pid>/stat) of every ffmpeg the server started (the encoder and, with
 * the default in-process compositor, one decoder per stream), of the compositor's Chromium process
 * group (`--compositor chromium` only), and the bench process again: what it uses above its
 * baseline is the in-process compositor's drawing and mixing. Printed as shares of one core.
 *
 *   npm run bench:egress [-- --window-s 15] [--compositor ffmpeg|chromium]
 *
 * Runs inside a loopback-only network namespace (scripts/netns.mjs).
 */
import { readFile, readdir } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { startTestServer } from '../packages/server/test/helpers/testServer.js';
import { launchChromium } from '../packages/server/test/helpers/chromium.js';
import { join as sdkJoin, openSdkPage, waitFor } from '../packages/server/test/helpers/sdkPage.js';
import { generateToken } from '../packages/server/src/auth/AccessToken.js';
import { DEV_API_KEY, DEV_API_SECRET } from '../packages/server/src/config/defaults.js';

const windowArg = process.argv.indexOf('--window-s');
const WINDOW_S = windowArg > 0 ? Number(process.argv[windowArg + 1]) : 15;
const compositorArg = process.argv.indexOf('--compositor');
const COMPOSITOR = compositorArg > 0 ? process.argv[compositorArg + 1]! : 'ffmpeg';
if (COMPOSITOR !== 'ffmpeg' && COMPOSITOR !== 'chromium') throw new Error('--compositor is ffmpeg or chromium');
const TICKS = 100; // USER_HZ on Linux
const token = generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_mod'], roles: ['crawler'] });

interface Proc { pid: number; ppid: number; pgrp: number; ticks: number; cmd: string }

async function processes(): Promise<Proc[]> {
  const out: Proc[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmd = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).replace(/\0/g, ' ');
      out.push({ pid: Number(entry), ppid: Number(fields[1]), pgrp: Number(fields[2]), ticks: Number(fields[11]) + Number(fields[12]), cmd });
    } catch { /* exited meanwhile */ }
  }
  return out;
}

/** CPU ticks of the server's ffmpeg processes (the one job's) and of a browser compositor's process group. */
async function jobTicks(jobId: string): Promise<{ ffmpeg: number; ffmpegProcs: number; compositor: number; compositorProcs: number }> {
  const procs = await processes();
  // The server runs in this process: its ffmpeg children (decoders exec'd through setpriv).
  const ffmpeg = procs.filter((p) => p.ppid === process.pid && /(^|\/)ffmpeg /.test(p.cmd.replace(/^setpriv .*? -- /, '')));
  const leader = procs.find((p) => p.cmd.includes(`job=${jobId}`) && !p.cmd.includes('--type='));
  const group = leader ? procs.filter((p) => p.pgrp === leader.pgrp) : [];
  return {
    ffmpeg: ffmpeg.reduce((n, p) => n + p.ticks, 0),
    ffmpegProcs: ffmpeg.length,
    compositor: group.reduce((n, p) => n + p.ticks, 0),
    compositorProcs: group.length,
  };
}

const cpuSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;

async function rest(url: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${url}${path}`, { method, headers: { authorization: token, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return res.json();
}

async function main(): Promise<void> {
  const server = await startTestServer({ egress: { maxConcurrentJobs: 1, compositor: COMPOSITOR } } as never);
  const browser = await launchChromium();
  // tsx (esbuild keepNames) wraps functions in `__name(...)`, which page.evaluate ships to pages
  // where it does not exist (as in join-latency.ts): give every context a no-op.
  const newContext = browser.browser.newContext.bind(browser.browser);
  browser.browser.newContext = async (...args: Parameters<typeof newContext>) => {
    const context = await newContext(...args);
    await context.addInitScript('globalThis.__name = (fn) => fn;');
    return context;
  };
  const rows: string[][] = [];
  try {
    for (const count of [2, 4]) {
      const room = `bench-egress-${count}`;
      const pages: Page[] = [];
      for (let i = 0; i < count; i++) {
        const page = await openSdkPage(browser, server.url, `p${i}`);
        const res = await sdkJoin(page, { meetingId: room, name: `P${i}` });
        if (!res.ok) throw new Error(`join failed: ${JSON.stringify(res)}`);
        pages.push(page);
      }
      await new Promise((r) => setTimeout(r, 3000));
      const baseBefore = process.cpuUsage();
      const b0 = performance.now();
      await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
      const baseline = cpuSeconds(process.cpuUsage(baseBefore)) / ((performance.now() - b0) / 1000);
      const started = await rest(server.url, 'POST', '/v2/recordings/start', { roomId: room, config: { quality: 'med', layout: { type: 'GRID' } } });
      if (!started.id) throw new Error(`start failed: ${JSON.stringify(started)}`);
      const live = await waitFor(async () => (await jobTicks(started.id)).ffmpeg > 0, 30_000, 500);
      if (!live) throw new Error('ffmpeg never started');
      await new Promise((r) => setTimeout(r, 3000));
      const before = await jobTicks(started.id);
      const serverBefore = process.cpuUsage();
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
      const after = await jobTicks(started.id);
      const wall = (performance.now() - t0) / 1000;
      const serverCpu = process.cpuUsage(serverBefore);
      const ended = await rest(server.url, 'POST', '/v2/recordings/end', { roomId: room });
      const share = (ticks: number) => (ticks / TICKS / wall) * 100;
      const during = (cpuSeconds(serverCpu) / wall) * 100;
      const inProcess = COMPOSITOR === 'ffmpeg' ? Math.max(0, during - baseline * 100) : 0;
      const ffmpegShare = share(after.ffmpeg - before.ffmpeg);
      const compositorShare = COMPOSITOR === 'chromium' ? share(after.compositor - before.compositor) : inProcess;
      rows.push([
        String(count),
        `${ffmpegShare.toFixed(1)} (${after.ffmpegProcs} procs)`,
        COMPOSITOR === 'chromium' ? `${compositorShare.toFixed(1)} (${after.compositorProcs} procs)` : `${compositorShare.toFixed(1)} (in server)`,
        (ffmpegShare + compositorShare).toFixed(1),
        `${(baseline * 100).toFixed(1)} → ${during.toFixed(1)}`,
        `${ended.file?.duration ?? '?'} s, ${Math.round((ended.file?.size ?? 0) / 1024)} KiB`,
      ]);
      for (const page of pages) await page.context().close();
      await new Promise((r) => setTimeout(r, 2000));
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  const head = ['participants', 'ffmpeg %core', 'compositor %core', 'egress total %core', 'bench process %core* (no job → job)', 'file'];
  console.log(`\n720p GRID composite recording (compositor: ${COMPOSITOR}), CPU over a ${WINDOW_S} s window (100% = one core)\n`);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  console.log('\n* the bench process: server + playwright driver (participant browsers are not counted anywhere)');
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
