// `npm ci --omit=dev && npm start` as an operator runs it: a copy of the repository (what a fresh
// clone holds: tracked and unignored files, no node_modules, no dist/), a production install offline
// from the npm cache, then `npm start` builds once and runs the compiled server with plain node and
// two media workers. SIGTERM sent to `npm start` must reach the server, which exits 0 and leaves no
// process behind; the second start does not build again; the built CLI answers --version.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeTcpPort, freeUdpPorts, killAll, processTable, processTree, waitForHealth } from '../helpers/serverProcess.ts';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
// Children run as an operator's would: no vitest loader flags.
const { NODE_OPTIONS: _drop, ...cleanEnv } = process.env;

function execAsync(cmd: string, args: string[], cwd: string, timeout: number): Promise<string> {
  return new Promise((ok, fail) => {
    execFile(cmd, args, { cwd, env: cleanEnv, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) fail(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`));
      else ok(stdout);
    });
  });
}

let work: string;
let repo: string;
const seen = new Set<number>(); // every pid of a started tree, killed in afterAll if still there

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'roomkit-prod-'));
  repo = join(work, 'repo');
  const files = (await execAsync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], ROOT, 60_000)).split('\0').filter(Boolean);
  for (const file of files) {
    if (!existsSync(join(ROOT, file))) continue; // deleted in the work tree, not yet committed
    mkdirSync(dirname(join(repo, file)), { recursive: true });
    cpSync(join(ROOT, file), join(repo, file));
  }
  // better-sqlite3 compiles from source here (node-gyp, nodedir=/usr): minutes on a busy machine.
  await execAsync('npm', ['ci', '--omit=dev', '--offline', '--no-audit', '--no-fund'], repo, 900_000);
}, 960_000);

afterAll(() => {
  killAll(seen);
  if (work) rmSync(work, { recursive: true, force: true });
});

interface Started {
  npm: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
  port: number;
}

async function npmStart(): Promise<Started> {
  const port = await freeTcpPort();
  const rtcPort = await freeUdpPorts();
  const dataDir = mkdtempSync(join(work, 'data-'));
  const args = ['start', '--', '--port', String(port), '--rtc-port', String(rtcPort), '--data-dir', dataDir, '--media-workers', '2', '--log-level', 'warn'];
  const npm = spawn('npm', args, { cwd: repo, env: cleanEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  seen.add(npm.pid!);
  let err = '';
  npm.stdout!.on('data', () => {});
  npm.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((ok) => npm.once('exit', (code) => ok(code)));
  // The first start builds (tsc per package, then esbuild) before listening: generous, never asserted.
  await waitForHealth(npm, port, () => err, 300_000);
  for (const p of processTree(npm.pid!)) seen.add(p.pid);
  return { npm, stderr: () => err, exited, port };
}

describe('production install: npm ci --omit=dev, then npm start', () => {
  it('installs no development tools (tsx, vitest), but what npm start needs to build (typescript, esbuild)', () => {
    for (const dev of ['tsx', 'vitest', 'playwright-core', 'fast-check']) expect(existsSync(join(repo, 'node_modules', dev)), dev).toBe(false);
    for (const dep of ['typescript', 'esbuild', 'better-sqlite3', 'node-datachannel']) expect(existsSync(join(repo, 'node_modules', dep)), dep).toBe(true);
    expect(existsSync(join(repo, 'packages/server/dist'))).toBe(false);
  });

  it('npm start builds, serves /health with 2 compiled media workers, and SIGTERM to npm stops it all with exit 0', async () => {
    const s = await npmStart();
    expect(s.stderr()).toContain('roomkit: build: tsc packages/server/tsconfig.build.json');
    const procs = processTree(s.npm.pid!);
    const server = procs.filter((p) => p.ppid === s.npm.pid);
    // npm's child is node itself (`exec node`), not a shell that would keep the signal from it.
    expect(server).toHaveLength(1);
    expect(server[0].args).toMatch(/^node --conditions=roomkit-dist scripts\/start\.mjs start /);
    const workers = procs.filter((p) => p.ppid === server[0].pid);
    expect(workers.map((w) => w.args)).toEqual([expect.stringMatching(/dist\/media\/mediaWorker\.js$/), expect.stringMatching(/dist\/media\/mediaWorker\.js$/)]);
    for (const p of procs) expect(p.args).not.toMatch(/tsx|esbuild|typescript/);
    const sdk = await fetch(`http://127.0.0.1:${s.port}/sdk/manifest.json`).then((r) => r.json() as Promise<{ version: string }>);
    const built = JSON.parse(readFileSync(join(repo, 'packages/server/dist/sdk/manifest.json'), 'utf8')) as { version: string };
    expect(sdk.version).toBe(built.version);

    process.kill(s.npm.pid!, 'SIGTERM');
    // Past the server's 20 s shutdown deadline it would exit 1, so 0 also means "promptly".
    expect(await s.exited).toBe(0);
    expect(s.stderr()).toContain('roomkit: SIGTERM received, shutting down');
    const table = processTable();
    expect(procs.filter((p) => table.has(p.pid)).map((p) => p.args)).toEqual([]);
  });

  it('a second npm start does not build again (an edited source would); the built CLI prints its version and one-line errors', async () => {
    const s = await npmStart();
    expect(s.stderr()).not.toContain('build:');
    process.kill(s.npm.pid!, 'SIGTERM');
    expect(await s.exited).toBe(0);

    const cli = ['--conditions=roomkit-dist', 'packages/server/dist/cli.js'];
    const { version } = JSON.parse(readFileSync(join(repo, 'packages/server/package.json'), 'utf8')) as { version: string };
    expect(spawnSync(process.execPath, [...cli, '--version'], { cwd: repo, env: cleanEnv, encoding: 'utf8' }).stdout).toBe(`roomkit ${version}\n`);
    const bad = spawnSync(process.execPath, [...cli, 'rooms', 'list', '--url', 'http://127.0.0.1:1'], { cwd: repo, env: cleanEnv, encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^roomkit: cannot reach the Roomkit server at http:\/\/127\.0\.0\.1:1/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);

    // The workspace's bin/roomkit.mjs needs tsx, absent here: one line naming the built command.
    const noTsx = spawnSync(process.execPath, ['packages/server/bin/roomkit.mjs', '--version'], { cwd: repo, env: cleanEnv, encoding: 'utf8' });
    expect(noTsx.status).toBe(1);
    expect(noTsx.stderr).toMatch(/^roomkit: tsx is not installed .*node --conditions=roomkit-dist scripts\/start\.mjs <command>.*\n$/);

    // A source edited after the build makes the next start build again (checked without building).
    const current = () => spawnSync(process.execPath, ['-e', "import('./scripts/build.mjs').then((m) => process.stdout.write(String(m.isBuildCurrent())))"], { cwd: repo, env: cleanEnv, encoding: 'utf8' }).stdout;
    expect(current()).toBe('true');
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(repo, 'packages/protocol/src/errors.ts'), later, later);
    expect(current()).toBe('false');
  });
});
