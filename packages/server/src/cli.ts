#!/usr/bin/env node
// The `roomkit` command: `start` runs the server, `token` mints an access token, `rooms` and
// `sessions`, `recordings`, `livestreams` and `hls` call the REST API (cli/); flags → config.
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PERMISSIONS, ROLES, generateToken, type Permission, type Role } from './auth/AccessToken.js';
import { decodeJwtUnverified } from './auth/jwt.js';
import { ArgsError, splitCommand, takeFlags } from './cliArgs.js';
import { runRooms } from './cli/rooms.js';
import { runSessions } from './cli/sessions.js';
import { runEgressCommand } from './cli/egress.js';
import { runLoadTestCommand } from './cli/loadTest.js';
import { ConfigError } from './config/errors.js';
import { CONFIG_FILE_ENV, CONFIG_SETTINGS, loadConfig, type SettableKey } from './config/loadConfig.js';
import type { Config } from './config/schema.js';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const USAGE = `Usage: roomkit <command> [flags]

Commands:
  start     Run the server (HTTP + WebSocket on --port, media on UDP --rtc-port)
  token     Print an access token signed with the configured API key and secret
  rooms     Create, list, get, validate or deactivate rooms (REST API)
  sessions  List, get or end sessions (REST API)
  recordings  Start, stop, list, get or delete recordings (REST API)
  livestreams Start, stop or list RTMP livestreams (REST API)
  hls       Start, stop or list HLS streams (REST API)
  load-test Simulated publishers and subscribers against a server; prints latency, traffic, CPU, memory
  version   Print the version (also --version, -v)
  help      Show this help (also --help, -h)

Run "roomkit <command> --help" for a command's flags.
`;

/** Help for every flag-settable key: a key without a line fails to compile. */
const CONFIG_HELP: Record<SettableKey, string> = {
  port: 'HTTP + WebSocket port (default 7880)',
  rtcPort: 'UDP port for all media (default 7882)',
  bind: 'listen address (default 0.0.0.0)',
  announcedIp: 'IP put in ICE candidates (default 127.0.0.1)',
  apiKey: 'API key (set with --api-secret; neither = dev mode)',
  apiSecret: 'API secret',
  dataDir: 'data directory (default ./data)',
  logLevel: 'fatal|error|warn|info|debug|trace|silent (default info)',
  logFormat: 'auto (readable on a terminal, else JSON lines) | json | pretty',
  webhookUrl: 'URL receiving every webhook event (default none)',
  reconnectGraceSeconds: 'seconds a dropped participant may resume (default 20)',
  qualitySampleSeconds: 'seconds between call quality samples (default 5, 0 = off)',
  qualityRetentionDays: 'days call quality samples are kept (default 30)',
  mediaWorkers: "media worker threads: 'auto' (one per core), N, or 0 (main thread)",
  corsOrigins: "origins whose pages may use /sdk and /v2: '*' (default) or a,b,c",
  mediaWorkerRoomCapacity: 'subscribers of one room a media worker carries before the room spans (default 200)',
  outboundAllowCidrs: 'private CIDRs webhooks/RTMP may target anyway: 10.0.0.0/8,fd00::/8',
  egressMinFreeMb: 'egress stops below this much free disk in dataDir, MB (default 1024; 0 off)',
  egressMaxJobSeconds: 'an egress job stops after this many seconds (default 21600; 0 no limit)',
  hlsDvrWindowSeconds: 'seconds of HLS kept in the DVR playlist (default 7200; 0 all)',
  metricsPort: '/metrics on its own port (default: on the main port, loopback only)',
  metricsBind: 'address of the metrics port (default 127.0.0.1)',
  metricsToken: '/metrics needs "Authorization: Bearer <token>" (16+ chars)',
  trustProxy: 'trust X-Forwarded-*/Forwarded from: true, a hop count, or a,b (IPs/CIDRs)',
  publicUrl: 'the origin URLs in webhooks use, e.g. https://rtc.example.com',
  dashboardPassword: 'password for /dashboard besides the API key+secret (12+ chars)',
  turnServers: 'TURN/STUN URLs handed to clients: turn:h:3478?transport=tcp,turns:h:5349',
  turnSecret: "the TURN server's static-auth-secret (credentials minted per participant)",
  turnCredentialTtlSeconds: 'seconds a minted TURN credential works (default 86400)',
};
const CONFIG_FLAGS_HELP = [
  `  --config <file>          ${CONFIG_FILE_ENV.padEnd(22)} JSON config file, // comments allowed`,
  ...CONFIG_SETTINGS.map((s) => `  ${`--${s.flag} <value>`.padEnd(24)} ${s.env.padEnd(22)} ${CONFIG_HELP[s.key]}`),
].join('\n');

const START_USAGE = `Usage: roomkit start [flags]

Flags, with the env var setting the same key (defaults < config file < env < flags):
${CONFIG_FLAGS_HELP}

Keys such as limits.* and requireRoomCreation are set in the config file only; see
roomkit.config.sample.jsonc.
`;

const TOKEN_USAGE = `Usage: roomkit token [flags] [config flags]

  --room <id>               token valid for this room only
  --participant-id <id>     pins the participant id
  --permissions <list>      comma-separated ${PERMISSIONS.join(', ')} (default allow_join)
  --roles <list>            comma-separated ${ROLES.join(', ')} (default: no roles claim, a meeting
                            token; crawler = the operator, every REST route; see the README)
  --expires-in <seconds>    lifetime (default 86400)
  --json                    print {"token", "claims"} as JSON

The key and secret come from the configuration, as for "roomkit start" (dev key if none):
${CONFIG_FLAGS_HELP}
`;

const TOKEN_FLAGS = {
  room: 'value',
  'participant-id': 'value',
  permissions: 'value',
  roles: 'value',
  'expires-in': 'value',
  json: 'boolean',
  help: 'boolean',
} as const;

/** Runs one command line (without `node` and the script). Resolves with the exit code, or with
 *  `undefined` when a server was started and keeps the process alive. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number | undefined> {
  const { command, args } = splitCommand(argv);
  const wantsHelp = args.includes('--help') || args.includes('-h');
  try {
    switch (command) {
      case undefined:
        if (args[0] === '--version' || args[0] === '-v') return print(io, `${version()}\n`);
        if (wantsHelp) return print(io, USAGE);
        io.stderr(USAGE);
        return 2;
      case 'help':
        return print(io, USAGE);
      case 'version':
        return print(io, `${version()}\n`);
      case 'start':
        return wantsHelp ? print(io, START_USAGE) : await start(args, io);
      case 'token':
        return wantsHelp ? print(io, TOKEN_USAGE) : token(args, io);
      case 'rooms':
        return await runRooms(args, io);
      case 'sessions':
        return await runSessions(args, io);
      case 'recordings':
      case 'livestreams':
      case 'hls':
        return await runEgressCommand(command, args, io);
      case 'load-test':
        return await runLoadTestCommand(args, io);
      default:
        io.stderr(`roomkit: unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ArgsError) {
      io.stderr(`roomkit: ${err instanceof ConfigError ? 'config error: ' : ''}${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

/** `roomkit <version>` from @roomkit/server's package.json (beside src/ and dist/ alike). */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return `roomkit ${pkg.version}`;
}

function print(io: CliIo, text: string): number {
  io.stdout(text);
  return 0;
}

function configFrom(argv: readonly string[], io: CliIo): Config {
  return loadConfig({ argv, env: io.env, cwd: io.cwd });
}

function list<T extends string>(raw: string, allowed: readonly T[], flag: string): T[] {
  const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of items) {
    if (!allowed.includes(item as T)) throw new ArgsError(`--${flag}: "${item}" is not one of ${allowed.join(', ')}`);
  }
  return items as T[];
}

function token(args: readonly string[], io: CliIo): number {
  const { values, rest } = takeFlags(args, TOKEN_FLAGS);
  const config = configFrom(rest, io);
  const str = (name: keyof typeof TOKEN_FLAGS) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const expires = str('expires-in');
  if (expires !== undefined && !/^[1-9][0-9]*$/.test(expires)) {
    throw new ArgsError(`--expires-in: "${expires}" is not a positive whole number of seconds`);
  }
  const permissions = str('permissions');
  const roles = str('roles');
  const jwt = generateToken({
    apiKey: config.apiKey,
    apiSecret: config.apiSecret,
    permissions: permissions === undefined ? ['allow_join'] : list<Permission>(permissions, PERMISSIONS, 'permissions'),
    roles: roles === undefined ? undefined : list<Role>(roles, ROLES, 'roles'),
    roomId: str('room'),
    participantId: str('participant-id'),
    expiresInSeconds: expires === undefined ? undefined : Number(expires),
  });
  const out = values.json ? JSON.stringify({ token: jwt, claims: decodeJwtUnverified(jwt).payload }, null, 2) : jwt;
  return print(io, `${out}\n`);
}

/** How long a graceful shutdown (recordings finished, rooms closed, workers stopped) may take. */
const SHUTDOWN_DEADLINE_MS = 20_000;

async function start(args: readonly string[], io: CliIo): Promise<number | undefined> {
  const config = configFrom(args, io);
  const quiet = config.logLevel === 'silent';
  const { startServer } = await import('./server.js');
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(config);
  } catch (err) {
    io.stderr(`roomkit: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  // startServer logs the listening URL and the dev-mode warning itself.
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      io.stderr(`roomkit: ${signal} again, exiting without waiting\n`);
      process.exit(1);
    }
    stopping = true;
    if (!quiet) io.stderr(`roomkit: ${signal} received, shutting down (send again to force)\n`);
    // A shutdown step that hangs (a stuck worker, a peer that never closes) must not keep the
    // process alive: past the deadline exit anyway; recordings are fragmented MP4, so still playable.
    setTimeout(() => {
      io.stderr(`roomkit: shutdown took longer than ${SHUTDOWN_DEADLINE_MS / 1000} s, exiting\n`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        io.stderr(`roomkit: error while shutting down: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return undefined;
}

/** Entry point for a real process: argv, env, cwd and exit code from/to `process`. */
export async function runMain(): Promise<void> {
  let code: number | undefined;
  try {
    code = await runCli(process.argv.slice(2), {
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      env: process.env,
      cwd: process.cwd(),
    });
  } catch (err) {
    // Anything the commands did not turn into a message of their own: one line, no stack, unless
    // ROOMKIT_DEBUG=1 asks for it.
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`roomkit: ${message.split('\n')[0]}\n`);
    if (process.env.ROOMKIT_DEBUG === '1' && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    code = 1;
  }
  if (code !== undefined) process.exitCode = code;
  // A finished load test exits now: after every meeting left, something native (node-datachannel,
  // not pinned down yet) could keep the process alive, and bench:load waited for it forever.
  if (code !== undefined && process.argv[2] === 'load-test') process.exit(code);
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) await runMain();
