// The published packages as a new user gets them: `npm pack` each, install the tarballs into a fresh
// app outside the workspace (no workspace links; third-party dependencies offline from the npm cache),
// then bundle a browser app using the browser SDK and the React SDK (React from the app's own
// node_modules, a peer dependency) with esbuild, Vite and webpack, typecheck the app with a strict tsc
// (skipLibCheck off, so the packages' .d.ts are checked too) and run the server SDK and Node client in
// plain Node (no tsx, both `import` and `require`); and run the server from @roomkit/server (roomkit
// --help/--version, then `roomkit start` once better-sqlite3 is built offline).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { offlineLock, type TarballSpec } from './offlineLock.ts';
import { freeTcpPort, freeUdpPorts, killAll, processTable, processTree, waitForHealth } from '../helpers/serverProcess.ts';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const PACKAGES = ['protocol', 'client-core', 'client', 'server-sdk', 'node-client', 'react', 'server'];
/** Beyond dist/, README.md, LICENSE and package.json: the server's pages and assets. */
const EXTRA_FILES: Record<string, string[]> = { server: ['public'] };
const BUNDLE = join(ROOT, 'test/pack/fixtures/bundle.mjs');

// Child processes get neither vitest's loader flags nor a source condition: they must run as a user's would.
const { NODE_OPTIONS: _drop, ...cleanEnv } = process.env;

function run(cmd: string, args: string[], cwd: string, timeout = 120_000): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, env: cleanEnv, encoding: 'utf8', timeout });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status ?? r.signal}\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}

/** `run` without blocking the event loop: a long synchronous step (the pack builds the server) starves
 *  vitest's worker RPC, which then reports "Timeout calling onTaskUpdate" as an unhandled error. */
function runAsync(cmd: string, args: string[], cwd: string, timeout: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    execFile(cmd, args, { cwd, env: cleanEnv, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed: ${err.message}\n${stdout}\n${stderr}`));
      else resolvePromise();
    });
  });
}

/** The status and output of a command, without blocking the event loop (a long tsc would starve vitest's RPC). */
function runStatus(cmd: string, args: string[], cwd: string, timeout = 120_000): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    execFile(cmd, args, { cwd, env: cleanEnv, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const status = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolvePromise({ status, stdout, stderr: stderr + (err && status === null ? `\n${err.message}` : '') });
    });
  });
}

let work: string;
let app: string;
const started = new Set<number>(); // server pids, killed in afterAll if a test failed halfway

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'roomkit-pack-'));
  const packs = join(work, 'packs');
  app = join(work, 'app');
  mkdirSync(packs);
  mkdirSync(app);
  // One `npm pack` for all: prepack builds each package's dist/ and publishes its dist exports.
  await runAsync('npm', ['pack', '--silent', '--pack-destination', packs, ...PACKAGES.flatMap((p) => ['--workspace', `packages/${p}`])], ROOT, 400_000);
  const tarballs: TarballSpec[] = PACKAGES.map((p) => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'packages', p, 'package.json'), 'utf8'));
    const file = join(packs, `${pkg.name.replace('@', '').replace('/', '-')}-${pkg.version}.tgz`);
    return { name: pkg.name, version: pkg.version, file, dependencies: pkg.dependencies ?? {}, bin: pkg.publishConfig?.bin ?? pkg.bin };
  });
  const { packageJson, lock } = offlineLock(join(ROOT, 'package-lock.json'), tarballs, ['@types/node', 'react', 'react-dom', '@types/react', '@types/react-dom']);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ ...packageJson, type: 'module' }, null, 2));
  writeFileSync(join(app, 'package-lock.json'), JSON.stringify(lock, null, 2));
  await runAsync('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], app, 240_000);
  writeAppSources(app);
}, 600_000);

afterAll(() => {
  killAll(started);
  if (work) rmSync(work, { recursive: true, force: true });
});

function writeAppSources(dir: string): void {
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src/main.js'), `
import { VideoSDK, Constants, RoomkitError } from '@roomkit/client';
const meeting = VideoSDK.initMeeting({ meetingId: 'pack-test', name: 'Pack', micEnabled: false, webcamEnabled: false });
globalThis.roomkitPackCheck = [typeof meeting.join, Constants.modes.SEND_AND_RECV, RoomkitError.name];
console.log('ROOMKIT_CLIENT_BUNDLED', globalThis.roomkitPackCheck);
`);
  writeFileSync(join(dir, 'src/react.js'), `
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { MeetingProvider, useMeeting, useParticipant, VideoPlayer } from '@roomkit/react';
function Room() {
  const { localParticipant } = useMeeting();
  const { displayName } = useParticipant(localParticipant?.id ?? '');
  return createElement('p', null, 'ROOMKIT_REACT_BUNDLED ', displayName, createElement(VideoPlayer, { participantId: localParticipant?.id ?? '' }));
}
export function mount(el) {
  createRoot(el).render(createElement(MeetingProvider, {
    config: { meetingId: 'pack-test', name: 'Pack', micEnabled: false, webcamEnabled: false },
    token: 'token', joinWithoutUserInteraction: false,
  }, createElement(Room)));
}
`);
  writeFileSync(join(dir, 'src/main.js'), readFileSync(join(dir, 'src/main.js'), 'utf8') + "import { mount } from './react.js';\nif (typeof document !== 'undefined') mount(document.body);\n");
  writeFileSync(join(dir, 'index.html'), '<!doctype html><html><body><script type="module" src="/src/main.js"></script></body></html>\n');
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'DOM', 'DOM.Iterable'],
      strict: true, skipLibCheck: false, noEmit: true, types: ['node'], exactOptionalPropertyTypes: false,
    },
    include: ['typed/*.ts', 'typed/*.cts'],
  }, null, 2));
  writeFileSync(join(dir, 'tsconfig.bundler.json'), JSON.stringify({
    extends: './tsconfig.json',
    compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler' },
    include: ['typed/*.ts'],
  }, null, 2));
  mkdirSync(join(dir, 'typed'));
  writeFileSync(join(dir, 'typed/app.ts'), `
import { VideoSDK, type Meeting, type Participant } from '@roomkit/client';
import { generateToken, verifyWebhook, RoomkitClient, WEBHOOK_SIGNATURE_HEADER, type WebhookEvent } from '@roomkit/server-sdk';
import { initMeeting } from '@roomkit/node-client';
import { ErrorCode } from '@roomkit/protocol/errors';
import { modeSchema } from '@roomkit/protocol';

const meeting: Meeting = VideoSDK.initMeeting({ meetingId: 'm', name: 'n', micEnabled: false, webcamEnabled: false });
meeting.on('participant-joined', (p: Participant) => console.log(p.id));
const token: string = generateToken({ apiKey: 'k', secretKey: 's', permissions: ['allow_join'] });
const check = (body: string, sig: string): WebhookEvent => verifyWebhook(body, { [WEBHOOK_SIGNATURE_HEADER]: sig }, 's');
const client = new RoomkitClient({ baseUrl: 'http://localhost', apiKey: 'k', secretKey: 's' });
export { meeting, token, check, client, initMeeting, ErrorCode, modeSchema };
`);
  writeFileSync(join(dir, 'typed/room.ts'), `
import { createElement, type ReactElement } from 'react';
import { MeetingProvider, useMeeting, usePubSub, useParticipant, VideoPlayer, Constants } from '@roomkit/react';
function Chat(): ReactElement {
  const { publish, messages } = usePubSub('CHAT', { onMessageReceived: (m) => console.log(m.message, m.senderName) });
  const { join, leave, toggleMic, participants } = useMeeting({ onMeetingJoined: () => console.log('joined') });
  const { webcamOn } = useParticipant('p1');
  const mode: string = Constants.modes.SEND_AND_RECV;
  void [publish, join, leave, toggleMic, participants.size, webcamOn, mode, messages.length];
  return createElement(VideoPlayer, { participantId: 'p1', type: 'video' });
}
export const app: ReactElement = createElement(MeetingProvider, {
  config: { meetingId: 'm', name: 'n', micEnabled: true, webcamEnabled: true, mode: 'SEND_AND_RECV' },
  token: 't', children: createElement(Chat),
});
`);
  writeFileSync(join(dir, 'typed/backend.cts'), `
import sdk = require('@roomkit/server-sdk');
export const token: string = sdk.generateToken({ apiKey: 'k', secretKey: 's', permissions: ['allow_mod'] });
`);
  writeFileSync(join(dir, 'esm.mjs'), `
import { generateToken, signWebhook, verifyWebhook, WEBHOOK_SIGNATURE_HEADER } from '@roomkit/server-sdk';
import * as nodeClient from '@roomkit/node-client';
import { runLoadTest } from '@roomkit/node-client/loadtest';
import { modeSchema } from '@roomkit/protocol';
import { ErrorCode } from '@roomkit/protocol/errors';
import { MeetingProvider, useMeeting, Constants as ReactConstants } from '@roomkit/react';
const token = generateToken({ apiKey: 'key1', secretKey: 'secret1', permissions: ['allow_join'], roomId: 'r1' });
const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
const body = JSON.stringify({ webhookType: 'session-started', data: { roomId: 'r1' } });
const event = verifyWebhook(body, { [WEBHOOK_SIGNATURE_HEADER]: signWebhook(body, 'secret1') }, 'secret1');
console.log(JSON.stringify({ apikey: claims.apikey, roomId: claims.roomId, webhookType: event.webhookType,
  nodeClient: typeof nodeClient.initMeeting, meeting: typeof nodeClient.Meeting, loadtest: typeof runLoadTest,
  mode: modeSchema.parse('RECV_ONLY'), badMode: modeSchema.safeParse('nope').success, invalidToken: ErrorCode.INVALID_TOKEN,
  react: [typeof MeetingProvider, typeof useMeeting, ReactConstants.modes.SIGNALLING_ONLY] }));
`);
  writeFileSync(join(dir, 'cjs.cjs'), `
const { generateToken, signWebhook, verifyWebhook, WEBHOOK_SIGNATURE_HEADER } = require('@roomkit/server-sdk');
const token = generateToken({ apiKey: 'key2', secretKey: 'secret2', permissions: ['allow_mod'] });
const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
const body = '{"webhookType":"recording-started","data":{}}';
const event = verifyWebhook(body, { [WEBHOOK_SIGNATURE_HEADER]: signWebhook(body, 'secret2') }, 'secret2');
console.log(JSON.stringify({ apikey: claims.apikey, permissions: claims.permissions, webhookType: event.webhookType }));
`);
}

describe('packed packages installed into a fresh app', () => {
  it('npm pack: each tarball holds only dist/, README.md, LICENSE and package.json, with dist exports', () => {
    for (const p of PACKAGES) {
      const dir = join(app, 'node_modules/@roomkit', p);
      expect(readdirSync(dir).sort()).toEqual(['LICENSE', 'README.md', 'dist', 'package.json', ...(EXTRA_FILES[p] ?? [])].sort());
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      expect(pkg.license).toBe('Apache-2.0');
      expect(JSON.stringify(pkg.exports)).not.toContain('/src/');
      expect(existsSync(join(dir, 'dist/index.js')) && existsSync(join(dir, 'dist/index.d.ts'))).toBe(true);
    }
  });

  for (const tool of ['esbuild', 'vite', 'webpack']) {
    it(`${tool} bundles a browser app importing @roomkit/client and @roomkit/react`, () => {
      const r = run(process.execPath, [BUNDLE, tool, app], ROOT);
      expect(r.stdout).toContain(`${tool} ok`);
      const outDir = join(app, `out-${tool}`);
      const js = readdirSync(outDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
      expect(js.length).toBeGreaterThan(0);
      const code = js.map((f) => readFileSync(join(outDir, f), 'utf8')).join('\n');
      expect(code).toContain('ROOMKIT_CLIENT_BUNDLED');
      expect(code).toContain('ROOMKIT_REACT_BUNDLED');
      expect(code).toContain('useSyncExternalStore'); // React itself bundled, so @roomkit/react's peer resolved
      expect(code).toContain('initMeeting'); // the SDK itself, not an external import
      expect(code).not.toMatch(/from\s*["']@roomkit\//);
      expect(code).not.toContain('ZodError'); // the client takes only protocol's zod-free subpaths
    });
  }

  // NodeNext as a Node app compiles (with a .cts `require`), Bundler as a Vite app does.
  for (const config of ['tsconfig.json', 'tsconfig.bundler.json']) {
    it(`strict tsc (skipLibCheck false, ${config}) typechecks an app using every package`, async () => {
      const r = await runStatus(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', config], app);
      expect(r.stdout + r.stderr).toBe('');
      expect(r.status).toBe(0);
    });
  }

  it('npx roomkit --help and --version run the built CLI of @roomkit/server (no tsx); bad usage is one line', () => {
    const help = run('npx', ['roomkit', '--help'], app);
    expect(help.stdout).toMatch(/^Usage: roomkit <command>/);
    expect(help.stdout).toContain('start     Run the server');
    const { version } = JSON.parse(readFileSync(join(ROOT, 'packages/server/package.json'), 'utf8'));
    expect(run('npx', ['roomkit', '--version'], app).stdout).toBe(`roomkit ${version}\n`);
    const bad = spawnSync('npx', ['roomkit', 'start', '--port', 'abc'], { cwd: app, env: cleanEnv, encoding: 'utf8', timeout: 60_000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('roomkit: config error: port from flag --port: "abc" is not a whole number\n');
    const bin = JSON.parse(readFileSync(join(app, 'node_modules/@roomkit/server/package.json'), 'utf8')).bin;
    expect(bin).toEqual({ roomkit: './dist/cli.js' });
    expect(existsSync(join(app, 'node_modules/tsx'))).toBe(false);
    expect(existsSync(join(app, 'node_modules/@roomkit/server/dist/sdk/videosdk.js'))).toBe(true);
  });

  it('roomkit start from the installed @roomkit/server (better-sqlite3 built offline) serves /health, the prebuilt SDK and the demo page; SIGTERM exits 0', async () => {
    // --ignore-scripts left better-sqlite3 unbuilt: build it as npm would (node-gyp from the cached
    // tarball's sources; nodedir=/usr, no network), minutes on a busy machine.
    await runAsync('npm', ['rebuild', 'better-sqlite3', '--offline'], app, 600_000);
    const port = await freeTcpPort();
    const rtcPort = await freeUdpPorts();
    const dataDir = join(work, 'server-data');
    const args = ['start', '--port', String(port), '--rtc-port', String(rtcPort), '--data-dir', dataDir, '--media-workers', '2', '--log-level', 'warn'];
    const server = spawn(join(app, 'node_modules/.bin/roomkit'), args, { cwd: app, env: cleanEnv, stdio: ['ignore', 'ignore', 'pipe'] });
    started.add(server.pid!);
    let log = '';
    server.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise<number | null>((ok) => server.once('exit', (code) => ok(code)));
    await waitForHealth(server, port, () => log, 120_000);
    const procs = processTree(server.pid!);
    for (const p of procs) started.add(p.pid);
    expect(procs.filter((p) => p.ppid === server.pid).map((p) => p.args)).toEqual([
      expect.stringMatching(/node_modules\/@roomkit\/server\/dist\/media\/mediaWorker\.js$/),
      expect.stringMatching(/node_modules\/@roomkit\/server\/dist\/media\/mediaWorker\.js$/),
    ]);
    const manifest = JSON.parse(readFileSync(join(app, 'node_modules/@roomkit/server/dist/sdk/manifest.json'), 'utf8'));
    const served = await fetch(`http://127.0.0.1:${port}/sdk/manifest.json`).then((r) => r.json() as Promise<{ version: string }>);
    expect(served.version).toBe(manifest.version);
    const sdk = await fetch(`http://127.0.0.1:${port}/sdk/${manifest.version}/videosdk.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(sdk.status).toBe(200);
    expect((await sdk.arrayBuffer()).byteLength).toBe(manifest.files['videosdk.js'].bytes);
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200); // public/index.html
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    const table = processTable();
    expect(procs.filter((p) => table.has(p.pid)).map((p) => p.args)).toEqual([]);
  }, 900_000);

  it('plain node runs the server SDK through import and require, and imports the Node client, protocol and the React SDK', () => {
    const esm = JSON.parse(run(process.execPath, ['esm.mjs'], app).stdout);
    expect(esm).toEqual({
      apikey: 'key1', roomId: 'r1', webhookType: 'session-started', nodeClient: 'function', meeting: 'function', loadtest: 'function',
      mode: 'RECV_ONLY', badMode: false, invalidToken: 4002, react: ['function', 'function', 'SIGNALLING_ONLY'],
    });
    const cjs = JSON.parse(run(process.execPath, ['cjs.cjs'], app).stdout);
    expect(cjs).toEqual({ apikey: 'key2', permissions: ['allow_mod'], webhookType: 'recording-started' });
  });
});
