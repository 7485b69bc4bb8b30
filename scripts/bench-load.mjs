#!/usr/bin/env node
// `npm run bench:load`: starts a server (as `npm start` does, on a temp data dir), runs
// `roomkit load-test` against it with a default scenario (extra args are passed on and override
// it), then stops the server. Run through scripts/netns.mjs, so everything stays on loopback.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const port = process.env.BENCH_PORT ?? '7880';
const dataDir = mkdtempSync(join(tmpdir(), 'roomkit-bench-load-'));
/** Extra node flags from an environment variable (e.g. --cpu-prof). */
const nodeArgs = (name) => process.env[name]?.split(' ').filter(Boolean) ?? [];
/** Runs `roomkit load-test` against the server, with extra node flags for the client. */
const loadTest = (args, options, clientNodeArgs = []) =>
  spawnSync(process.execPath, ['--import', 'tsx', ...clientNodeArgs, 'packages/server/src/cli.ts', 'load-test',
    '--url', `http://127.0.0.1:${port}`, ...args], options);
// BENCH_SERVER_NODE_ARGS: node flags for the server's main process.
const server = spawn(process.execPath, ['--import', 'tsx', ...nodeArgs('BENCH_SERVER_NODE_ARGS'), 'packages/server/src/cli.ts', 'start', '--port', port, '--bind', '127.0.0.1',
  '--announced-ip', '127.0.0.1', '--data-dir', dataDir, '--log-level', 'warn',
  // BENCH_MEDIA_WORKERS=1 vs 2 compares one media worker with one per core.
  ...(process.env.BENCH_MEDIA_WORKERS ? ['--media-workers', process.env.BENCH_MEDIA_WORKERS] : [])], { stdio: ['ignore', 'inherit', 'inherit'] });

async function waitForServer() {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the server did not come up within 20 s');
}

let status = 1;
try {
  await waitForServer();
  // A fresh server runs its join and forwarding code for the first time in the measured run (lazy
  // compilation, first garbage collections): BENCH_WARMUP=1 (the default) first runs a small
  // unreported load test against the same server, so the figures are a warm server's. 0 skips it.
  if (process.env.BENCH_WARMUP !== '0') {
    console.log('bench:load: warming the server up (1 publisher, 10 subscribers, 2 s; not reported)');
    loadTest(['--rooms', '1', '--publishers', '1', '--subscribers', '10', '--duration', '2', '--json'], { stdio: 'ignore', timeout: 60_000 });
  }
  const defaults = ['--rooms', '1', '--publishers', '1', '--subscribers', '10', '--duration', '15', '--verbose'];
  // BENCH_CLIENT_NODE_ARGS: node flags for the measured run's client (not the warm-up's).
  const r = loadTest(['--server-pid', String(server.pid), ...defaults, ...process.argv.slice(2)], { stdio: 'inherit' }, nodeArgs('BENCH_CLIENT_NODE_ARGS'));
  status = r.status ?? 1;
} catch (err) {
  console.error(`bench:load: ${err.message}`);
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(status);
