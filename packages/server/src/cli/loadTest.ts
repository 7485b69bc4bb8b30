// `roomkit load-test`: many Node clients (publishers with synthetic VP8 simulcast + Opus, receive-only
// subscribers) against a running server, a progress line per second, then a table (or --json) with
// join and first-media latency, traffic, loss, feedback and the server process's CPU and memory.
// The clients are @roomkit/node-client; tokens are minted with the configured key and secret.
import { ArgsError, takeFlags } from '../cliArgs.js';
import { generateToken } from '../auth/AccessToken.js';
import { CONFIG_FLAGS, loadConfig } from '../config/loadConfig.js';
import type { CliIo } from './common.js';

export const LOAD_TEST_USAGE = `Usage: roomkit load-test [flags]

Joins simulated clients to a running server and measures it. Runs for about --duration seconds
after everyone has joined, then everyone leaves and a table is printed.

  --url <url>               server (default http://127.0.0.1:<configured port>)
  --rooms <n>               rooms (default 1)
  --publishers <n>          publishers per room: camera + mic (default 1)
  --subscribers <n>         receive-only subscribers per room (default 10)
  --duration <seconds>      measurement window once all have joined (default 20)
  --layers <1-3>            simulcast layers per camera: 150/500/1500 kbps (default 3)
  --audio-only              publishers send the mic only
  --server-pid <pid>        server process to measure (default: whoever listens on the URL's port)
  --join-concurrency <n>    joins in flight at once (default 10)
  --dev-token               get tokens from the server's GET /dev/token instead of minting them
  --verbose                 also print ps and /proc readings of the server, to cross-check
  --json                    print the result as JSON
  --help                    show this help

Tokens are signed with the configured API key and secret, as for "roomkit token" (dev key if
none): --config, --api-key, --api-secret, --port, or the ROOMKIT_* environment variables.
Synthetic media is encoded once with ffmpeg and cached ($ROOMKIT_MEDIA_CACHE or the temp dir).
Run it next to the server inside the same loopback namespace: the clients bind 127.0.0.1.
`;

const FLAGS = {
  url: 'value',
  rooms: 'value',
  publishers: 'value',
  subscribers: 'value',
  duration: 'value',
  layers: 'value',
  'audio-only': 'boolean',
  'server-pid': 'value',
  'join-concurrency': 'value',
  'dev-token': 'boolean',
  verbose: 'boolean',
  json: 'boolean',
  help: 'boolean',
} as const;

function count(values: Record<string, string | true>, name: string, fallback: number, min = 0, max = 10_000): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !/^[0-9]+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ArgsError(`--${name}: "${String(raw)}" is not a whole number from ${min} to ${max}`);
  }
  return Number(raw);
}

export async function runLoadTestCommand(args: readonly string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(LOAD_TEST_USAGE);
    return 0;
  }
  const { values, rest } = takeFlags(args, { ...FLAGS, ...CONFIG_FLAGS });
  const unknown = rest.find((a) => a.startsWith('-'));
  if (unknown !== undefined) throw new ArgsError(`unknown flag ${unknown.split('=')[0]}; run "roomkit load-test --help" for its flags`);
  if (rest.length > 0) throw new ArgsError(`unexpected argument "${rest[0]}"`);
  const configArgv = Object.keys(CONFIG_FLAGS).flatMap((flag) => (typeof values[flag] === 'string' ? [`--${flag}=${values[flag]}`] : []));
  const config = loadConfig({ argv: configArgv, env: io.env, cwd: io.cwd });
  const url = typeof values.url === 'string' ? values.url : `http://127.0.0.1:${config.port}`;
  if (!/^https?:\/\/[^/]/.test(url)) throw new ArgsError(`--url: "${url}" is not an http:// or https:// URL`);
  const serverPid = values['server-pid'] === undefined ? undefined : count(values, 'server-pid', 0, 1, 2 ** 22);
  const json = values.json === true;

  // Loaded here, not at the top: the rest of the CLI must not pay for node-datachannel and ffmpeg.
  const { runLoadTest, formatReport } = await import('@roomkit/node-client/loadtest');
  const { fetchDevToken } = await import('@roomkit/node-client');
  const token = values['dev-token'] === true
    ? (roomId: string) => fetchDevToken(url, roomId)
    : async (roomId: string) => generateToken({ apiKey: config.apiKey, apiSecret: config.apiSecret, permissions: ['allow_join'], roomId, expiresInSeconds: 3600 });
  const log = (line: string) => (json ? io.stderr(`${line}\n`) : io.stdout(`${line}\n`));
  // Every flag is checked before anything runs: a bad one is a usage error (exit 2), not a failed run.
  const options = {
    url,
    rooms: count(values, 'rooms', 1, 1),
    publishers: count(values, 'publishers', 1),
    subscribers: count(values, 'subscribers', 10),
    durationSec: count(values, 'duration', 20, 1, 3600),
    layers: count(values, 'layers', 3, 1, 3),
    audioOnly: values['audio-only'] === true,
    serverPid,
    joinConcurrency: count(values, 'join-concurrency', 10, 1),
    verbose: values.verbose === true,
    token,
  };
  let result;
  try {
    result = await runLoadTest(options, log);
  } catch (err) {
    io.stderr(`roomkit: load test failed: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  io.stdout(json ? `${JSON.stringify(result, null, 2)}\n` : `\n${formatReport(result)}`);
  return result.joinFailures > 0 ? 1 : 0;
}
