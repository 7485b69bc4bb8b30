// Shared plumbing of the REST commands (`rooms`, `sessions`): flags → config → RoomkitClient,
// output as a table or JSON, and API/connection errors turned into a message and exit code 1.
import { RoomkitApiError, RoomkitClient, RoomkitConnectionError } from '@roomkit/server-sdk';
import { ArgsError, takeFlags, type FlagSpec } from '../cliArgs.js';
import { CONFIG_FILE_ENV, CONFIG_FLAGS, CONFIG_SETTINGS, loadConfig } from '../config/loadConfig.js';

import type { CliIo } from '../cli.js';

export type { CliIo };

/** Flags every REST command takes, on top of the config flags. */
export const CLIENT_FLAGS = { url: 'value', json: 'boolean', help: 'boolean' } as const;

export const CLIENT_FLAGS_HELP = `  --url <url>               server to call (default http://localhost:<configured port>)
  --json                    print the server's JSON response instead of a table
  --help                    show this help

The request is signed with the configured API key and secret, as for "roomkit start" (dev key if
none): --config, --api-key, --api-secret, --port and the ${CONFIG_SETTINGS.find((s) => s.key === 'apiKey')!.env} /
${CONFIG_SETTINGS.find((s) => s.key === 'apiSecret')!.env} / ${CONFIG_FILE_ENV} environment variables.
`;

export interface ParsedCommand {
  values: Record<string, string | true>;
  positionals: string[];
  client: RoomkitClient;
  json: boolean;
}

/**
 * Splits a REST command's arguments into its own flags, positionals and config flags, loads the
 * config, and builds a client for `--url` (or the configured port on localhost).
 */
export function parseCommand(args: readonly string[], spec: FlagSpec, io: CliIo, name: string): ParsedCommand {
  const { values, rest } = takeFlags(args, { ...CLIENT_FLAGS, ...CONFIG_FLAGS, ...spec });
  const unknown = rest.find((a) => a.startsWith('-'));
  if (unknown !== undefined) {
    throw new ArgsError(`unknown flag ${unknown.split('=')[0]}; run "roomkit ${name} --help" for its flags`);
  }
  // A command flag shadows a config flag of the same name (rooms create --webhook-url is the room's).
  const configArgv = Object.keys(CONFIG_FLAGS)
    .filter((flag) => !Object.hasOwn(spec, flag))
    .flatMap((flag) => (typeof values[flag] === 'string' ? [`--${flag}=${values[flag]}`] : []));
  const config = loadConfig({ argv: configArgv, env: io.env, cwd: io.cwd });
  const url = typeof values.url === 'string' ? values.url : `http://localhost:${config.port}`;
  if (!/^https?:\/\/[^/]/.test(url)) throw new ArgsError(`--url: "${url}" is not an http:// or https:// URL`);
  const client = new RoomkitClient({ baseUrl: url, apiKey: config.apiKey, secretKey: config.apiSecret });
  return { values, positionals: rest, client, json: values.json === true };
}

export function stringFlag(values: Record<string, string | true>, name: string): string | undefined {
  return typeof values[name] === 'string' ? (values[name] as string) : undefined;
}

/** A positive whole number flag, or undefined when absent. */
export function intFlag(values: Record<string, string | true>, name: string): number | undefined {
  const raw = stringFlag(values, name);
  if (raw === undefined) return undefined;
  if (!/^[1-9][0-9]*$/.test(raw)) throw new ArgsError(`--${name}: "${raw}" is not a positive whole number`);
  return Number(raw);
}

/** Exactly `count` positionals, or an ArgsError naming what is missing or extra. */
export function takePositionals(positionals: string[], names: string[], command: string): string[] {
  if (positionals.length < names.length) {
    throw new ArgsError(`missing <${names[positionals.length]}>: usage: roomkit ${command} ${names.map((n) => `<${n}>`).join(' ')}`);
  }
  if (positionals.length > names.length) throw new ArgsError(`unexpected argument "${positionals[names.length]}"`);
  return positionals;
}

/** Runs one API call and prints its result; server errors become a message and exit code 1. */
export async function callApi<T>(io: CliIo, json: boolean, call: () => Promise<T>, render: (result: T) => string): Promise<number> {
  let result: T;
  try {
    result = await call();
  } catch (err) {
    if (err instanceof RoomkitConnectionError) {
      io.stderr(`roomkit: ${err.message}\nIs the server running? Start it with "roomkit start", or pass --url.\n`);
      return 1;
    }
    if (err instanceof RoomkitApiError) {
      const code = err.code ? ` ${err.code}` : '';
      io.stderr(`roomkit: ${err.method} ${err.path} failed: HTTP ${err.statusCode}${code}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  io.stdout(json ? `${JSON.stringify(result, null, 2)}\n` : render(result));
  return 0;
}

/** A plain text table: header row, then one row per item; empty cells as '-'. */
export function table(headers: string[], rows: Array<Array<string | number | boolean | null | undefined>>): string {
  const cells = rows.map((r) => r.map((c) => (c === undefined || c === null || c === '' ? '-' : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]?.length ?? 0)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return `${[line(headers), ...cells.map(line)].join('\n')}\n`;
}

/** `key: value` lines for one object's scalar fields. */
export function details(pairs: Array<[string, unknown]>): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return `${pairs
    .map(([k, v]) => `${`${k}:`.padEnd(width + 1)} ${v === undefined || v === null || v === '' ? '-' : typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join('\n')}\n`;
}
