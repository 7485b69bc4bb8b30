import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { verifyJoinToken } from './auth/verifyJoinToken.js';
import { runCli } from './cli.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env,
    cwd: repoRoot,
  });
  return { code, stdout, stderr };
}

const dev = { apiKey: 'devkey', apiSecret: 'devsecret-change-me', devMode: true };

describe('roomkit --help', () => {
  it('--help, -h and help print the usage to stdout and exit 0', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const r = await run(argv);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: roomkit <command>/);
      expect(r.stdout).toContain('token');
    }
  });

  it('<command> --help prints that command\'s flags', async () => {
    const start = await run(['start', '--help']);
    expect(start.code).toBe(0);
    expect(start.stdout).toContain('--rtc-port');
    expect(start.stdout).toContain('ROOMKIT_ANNOUNCED_IP');
    // Every setting's line says what it does (a missing help text once printed "undefined").
    expect(start.stdout).not.toContain('undefined');
    expect(start.stdout).toMatch(/--trust-proxy <value>\s+ROOMKIT_TRUST_PROXY\s+trust X-Forwarded/);
    const token = await run(['token', '--help']);
    expect(token.code).toBe(0);
    expect(token.stdout).toContain('--participant-id');
    expect(token.stdout).toContain('--api-secret');
  });

  it('with no command or an unknown one, prints usage to stderr and exits 2', async () => {
    expect(await run([])).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining('Usage:') });
    const r = await run(['strat']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command "strat"[\s\S]*Usage:/);
  });

  it('--version, -v and version print "roomkit <version of @roomkit/server>" and exit 0', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const argv of [['--version'], ['-v'], ['version']]) {
      expect(await run(argv)).toEqual({ code: 0, stdout: `roomkit ${version}\n`, stderr: '' });
    }
    expect((await run(['--help'])).stdout).toContain('version   Print the version');
  });

  it('start with a bad config prints the config error and exits 2', async () => {
    const r = await run(['start', '--port', '99999']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/config error: port from flag --port: "99999"/);
  });
});

describe('roomkit token', () => {
  it('with no flags, prints a dev-key allow_join token valid for 24 h', async () => {
    const r = await run(['token']);
    expect(r.code).toBe(0);
    const claims = verifyJoinToken(r.stdout.trim(), { ...dev, meetingId: 'any' });
    expect(claims).toMatchObject({ apikey: 'devkey', permissions: ['allow_join'], version: 2 });
    expect(claims.exp! - claims.iat!).toBe(86400);
  });

  it('puts room, participant, permissions, roles and lifetime in the token; --json adds claims', async () => {
    const r = await run([
      'token', '--room', 'r1', '--participant-id=p1', '--permissions', 'allow_join,allow_mod',
      '--roles', 'rtc', '--expires-in', '3600', '--json',
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { token: string; claims: Record<string, unknown> };
    const claims = verifyJoinToken(out.token, { ...dev, meetingId: 'r1', participantId: 'p1' });
    expect(claims).toMatchObject({ roomId: 'r1', participantId: 'p1', permissions: ['allow_join', 'allow_mod'], roles: ['rtc'] });
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(out.claims).toEqual(claims);
  });

  it('signs with the configured key and secret from flags or env', async () => {
    const [s1, s2] = ['s1'.repeat(16), 's2'.repeat(16)];
    const fromFlags = await run(['token', '--api-key', 'k1', '--api-secret', s1]);
    expect(verifyJoinToken(fromFlags.stdout.trim(), { apiKey: 'k1', apiSecret: s1, devMode: false, meetingId: 'm' }).apikey).toBe('k1');
    const fromEnv = await run(['token'], { ROOMKIT_API_KEY: 'k2', ROOMKIT_API_SECRET: s2 });
    expect(verifyJoinToken(fromEnv.stdout.trim(), { apiKey: 'k2', apiSecret: s2, devMode: false, meetingId: 'm' }).apikey).toBe('k2');
  });

  it('with a bad permission, lifetime or flag, explains and exits 2', async () => {
    expect((await run(['token', '--permissions', 'allow_all'])).stderr).toMatch(/"allow_all" is not one of allow_join/);
    expect((await run(['token', '--roles', 'admin'])).code).toBe(2);
    expect((await run(['token', '--expires-in', '1h'])).stderr).toMatch(/--expires-in: "1h"/);
    const unknown = await run(['token', '--rom', 'r1']);
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toMatch(/unknown flag --rom/);
    expect((await run(['token', '--api-key', 'k'])).stderr).toMatch(/apiKey is set .* but apiSecret is not/);
  });
});

describe('roomkit executable', () => {
  it('runs as `node --import tsx src/cli.ts` and as bin/roomkit.mjs', async () => {
    const exec = promisify(execFile);
    const opts = { cwd: repoRoot, env: { PATH: process.env.PATH } };
    const direct = await exec(process.execPath, ['--import', 'tsx', 'packages/server/src/cli.ts', 'token', '--room', 'x'], opts);
    expect(verifyJoinToken(direct.stdout.trim(), { ...dev, meetingId: 'x' }).roomId).toBe('x');
    const bin = await exec(process.execPath, ['packages/server/bin/roomkit.mjs', '--help'], opts);
    expect(bin.stdout).toMatch(/^Usage: roomkit/);
    await expect(exec(process.execPath, ['packages/server/bin/roomkit.mjs', 'nope'], opts)).rejects.toMatchObject({ code: 2 });
  });
});
