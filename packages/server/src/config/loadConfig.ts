// Assembles the Config: defaults → config file → ROOMKIT_* env → command-line flags, each checked
// against the one schema, with errors naming the key, the value and the layer it came from.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ZodIssue } from 'zod';
import { ArgsError, takeFlags, type FlagSpec } from '../cliArgs.js';
import { DEV_API_KEY, DEV_API_SECRET, DEV_BIND, MIN_API_SECRET_BYTES, defaults } from './defaults.js';
import { ConfigError } from './errors.js';
import { configSchema, fileConfigSchema, limitsSchema, type Config, type ConfigInput } from './schema.js';

export type SettableKey = 'port' | 'rtcPort' | 'bind' | 'announcedIp' | 'apiKey' | 'apiSecret' | 'dataDir' | 'logLevel' | 'webhookUrl' | 'reconnectGraceSeconds' | 'mediaWorkers' | 'mediaWorkerRoomCapacity' | 'corsOrigins' | 'outboundAllowCidrs' | 'egressMinFreeMb' | 'egressMaxJobSeconds' | 'hlsDvrWindowSeconds' | 'turnServers' | 'turnSecret' | 'turnCredentialTtlSeconds' | 'metricsPort' | 'metricsBind' | 'metricsToken' | 'trustProxy' | 'publicUrl' | 'qualitySampleSeconds' | 'qualityRetentionDays' | 'dashboardPassword' | 'logFormat';

/** Keys settable from env and flags (the rest only from the file). */
export const CONFIG_SETTINGS: ReadonlyArray<{ key: SettableKey; env: string; flag: string; numeric: boolean }> = [
  { key: 'port', env: 'ROOMKIT_PORT', flag: 'port', numeric: true },
  { key: 'rtcPort', env: 'ROOMKIT_RTC_PORT', flag: 'rtc-port', numeric: true },
  { key: 'bind', env: 'ROOMKIT_BIND', flag: 'bind', numeric: false },
  { key: 'announcedIp', env: 'ROOMKIT_ANNOUNCED_IP', flag: 'announced-ip', numeric: false },
  { key: 'apiKey', env: 'ROOMKIT_API_KEY', flag: 'api-key', numeric: false },
  { key: 'apiSecret', env: 'ROOMKIT_API_SECRET', flag: 'api-secret', numeric: false },
  { key: 'dataDir', env: 'ROOMKIT_DATA_DIR', flag: 'data-dir', numeric: false },
  { key: 'logLevel', env: 'ROOMKIT_LOG_LEVEL', flag: 'log-level', numeric: false },
  { key: 'logFormat', env: 'ROOMKIT_LOG_FORMAT', flag: 'log-format', numeric: false },
  { key: 'webhookUrl', env: 'ROOMKIT_WEBHOOK_URL', flag: 'webhook-url', numeric: false },
  { key: 'reconnectGraceSeconds', env: 'ROOMKIT_RECONNECT_GRACE_SECONDS', flag: 'reconnect-grace-seconds', numeric: true },
  { key: 'qualitySampleSeconds', env: 'ROOMKIT_QUALITY_SAMPLE_SECONDS', flag: 'quality-sample-seconds', numeric: true },
  { key: 'qualityRetentionDays', env: 'ROOMKIT_QUALITY_RETENTION_DAYS', flag: 'quality-retention-days', numeric: true },
  { key: 'mediaWorkers', env: 'ROOMKIT_MEDIA_WORKERS', flag: 'media-workers', numeric: false },
  { key: 'mediaWorkerRoomCapacity', env: 'ROOMKIT_MEDIA_WORKER_ROOM_CAPACITY', flag: 'media-worker-room-capacity', numeric: true },
  { key: 'corsOrigins', env: 'ROOMKIT_CORS_ORIGINS', flag: 'cors-origins', numeric: false },
  { key: 'outboundAllowCidrs', env: 'ROOMKIT_OUTBOUND_ALLOW', flag: 'outbound-allow', numeric: false },
  { key: 'egressMinFreeMb', env: 'ROOMKIT_EGRESS_MIN_FREE_MB', flag: 'egress-min-free-mb', numeric: true },
  { key: 'egressMaxJobSeconds', env: 'ROOMKIT_EGRESS_MAX_JOB_SECONDS', flag: 'egress-max-job-seconds', numeric: true },
  { key: 'hlsDvrWindowSeconds', env: 'ROOMKIT_HLS_DVR_WINDOW_SECONDS', flag: 'hls-dvr-window-seconds', numeric: true },
  { key: 'turnServers', env: 'ROOMKIT_TURN_SERVERS', flag: 'turn-servers', numeric: false },
  { key: 'turnSecret', env: 'ROOMKIT_TURN_SECRET', flag: 'turn-secret', numeric: false },
  { key: 'turnCredentialTtlSeconds', env: 'ROOMKIT_TURN_TTL_SECONDS', flag: 'turn-ttl-seconds', numeric: true },
  { key: 'metricsPort', env: 'ROOMKIT_METRICS_PORT', flag: 'metrics-port', numeric: true },
  { key: 'metricsBind', env: 'ROOMKIT_METRICS_BIND', flag: 'metrics-bind', numeric: false },
  { key: 'metricsToken', env: 'ROOMKIT_METRICS_TOKEN', flag: 'metrics-token', numeric: false },
  { key: 'trustProxy', env: 'ROOMKIT_TRUST_PROXY', flag: 'trust-proxy', numeric: false },
  { key: 'publicUrl', env: 'ROOMKIT_PUBLIC_URL', flag: 'public-url', numeric: false },
  { key: 'dashboardPassword', env: 'ROOMKIT_DASHBOARD_PASSWORD', flag: 'dashboard-password', numeric: false },
];
/** Settings whose values error messages never echo (they end up in logs). */
const SECRET_KEYS: ReadonlySet<SettableKey> = new Set(['apiSecret', 'turnSecret', 'dashboardPassword']);
export const CONFIG_FILE_ENV = 'ROOMKIT_CONFIG';
export const CONFIG_FILE_FLAG = 'config';
export const CONFIG_ENV_VARS: readonly string[] = [...CONFIG_SETTINGS.map((s) => s.env), CONFIG_FILE_ENV];
export const CONFIG_FLAGS: FlagSpec = Object.fromEntries([
  ...CONFIG_SETTINGS.map((s) => [s.flag, 'value'] as const),
  [CONFIG_FILE_FLAG, 'value'],
]);

export interface LoadConfigOptions {
  /** Config flags only (e.g. `process.argv.slice(3)` after `roomkit start`), not node/script/command. */
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  /** Base for relative paths: the config file path and `dataDir`. */
  cwd: string;
}

export function loadConfig(opts: LoadConfigOptions): Config {
  const flags = readFlags(opts.argv);
  const env = readEnv(opts.env);
  const merged: ConfigInput = { ...defaults, limits: { ...defaults.limits } };
  const from = new Map<string, string>();

  const fileRef = flags[CONFIG_FILE_FLAG] !== undefined
    ? { name: flags[CONFIG_FILE_FLAG], via: `--${CONFIG_FILE_FLAG}` }
    : env[CONFIG_FILE_ENV] !== undefined ? { name: env[CONFIG_FILE_ENV], via: CONFIG_FILE_ENV } : undefined;
  if (fileRef) {
    const path = resolve(opts.cwd, fileRef.name);
    const file = readConfigFile(path, fileRef.via);
    for (const [key, value] of Object.entries(file)) {
      if (value === undefined) continue;
      if (key === 'limits') Object.assign(merged.limits, value);
      else (merged as Record<string, unknown>)[key] = value;
      from.set(key, `config file ${path}`);
    }
  }

  for (const layer of [
    { values: env, name: (s: (typeof CONFIG_SETTINGS)[number]) => s.env, label: (n: string) => `env ${n}` },
    { values: flags, name: (s: (typeof CONFIG_SETTINGS)[number]) => s.flag, label: (n: string) => `flag --${n}` },
  ]) {
    for (const setting of CONFIG_SETTINGS) {
      const name = layer.name(setting);
      const raw = layer.values[name];
      if (raw === undefined) continue;
      const source = layer.label(name);
      (merged as Record<string, unknown>)[setting.key] = parseSetting(setting.key, raw, setting.numeric, source);
      from.set(setting.key, source);
    }
  }

  const checked = configSchema.safeParse(merged);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const key = issue.path.join('.');
    throw new ConfigError(`Invalid config: ${key} ${issue.message} (from ${from.get(String(issue.path[0])) ?? 'defaults'})`, { key });
  }
  const { apiKey, apiSecret, ...rest } = checked.data;
  if ((apiKey === undefined) !== (apiSecret === undefined)) {
    const [set, missing] = apiKey !== undefined ? ['apiKey', 'apiSecret'] : ['apiSecret', 'apiKey'];
    const hint = CONFIG_SETTINGS.find((s) => s.key === missing)!;
    throw new ConfigError(
      `${set} is set (from ${from.get(set)}) but ${missing} is not: set both (${missing} in the config file, ` +
        `${hint.env} or --${hint.flag}) or neither to run in dev mode`,
      { key: missing, source: from.get(set) },
    );
  }
  checkTurnConfig(rest, from.get('turnServers'));
  const devMode = apiKey === undefined;
  if (apiSecret !== undefined) checkApiSecret({ apiSecret, devMode }, from.get('apiSecret'));
  return {
    ...rest,
    // Dev mode runs with the published dev secret: reachable from this machine only, unless a bind
    // address was asked for.
    bind: devMode && !from.has('bind') ? DEV_BIND : rest.bind,
    dataDir: resolve(opts.cwd, rest.dataDir),
    apiKey: apiKey ?? DEV_API_KEY,
    apiSecret: apiSecret ?? DEV_API_SECRET,
    devMode,
  };
}

/**
 * Anyone who guesses the secret mints operator tokens: outside dev mode it must be at least
 * MIN_API_SECRET_BYTES (HS256's hash size). loadConfig and startServer (programmatic configs) call it.
 */
export function checkApiSecret(config: { apiSecret: string; devMode: boolean }, source = 'the config'): void {
  const bytes = Buffer.byteLength(config.apiSecret, 'utf8');
  if (config.devMode || bytes >= MIN_API_SECRET_BYTES) return;
  const hint = CONFIG_SETTINGS.find((s) => s.key === 'apiSecret')!;
  throw new ConfigError(
    `apiSecret (from ${source}) is ${bytes} bytes; outside dev mode it must be at least ${MIN_API_SECRET_BYTES} bytes ` +
      `(e.g. the output of "openssl rand -base64 48"): set apiSecret in the config file, ${hint.env} or --${hint.flag}`,
    { key: 'apiSecret', source },
  );
}

/** TURN URLs without the secret to mint their credentials are refused (loadConfig and startServer call it). */
export function checkTurnConfig(config: { turnServers?: readonly string[]; turnSecret?: string }, source = 'the config'): void {
  if (config.turnSecret !== undefined || !(config.turnServers ?? []).some((u) => u.startsWith('turn'))) return;
  throw new ConfigError(
    `turnServers (from ${source}) lists turn: URLs but turnSecret is not set: set it (ROOMKIT_TURN_SECRET or --turn-secret) ` +
      "to the TURN server's static-auth-secret, so each participant gets a time-limited credential",
    { key: 'turnSecret', source },
  );
}

function readFlags(argv: readonly string[]): Record<string, string> {
  let taken;
  try {
    taken = takeFlags(argv, CONFIG_FLAGS);
  } catch (err) {
    if (err instanceof ArgsError) throw new ConfigError(err.message, { source: 'command line', cause: err });
    throw err;
  }
  const stray = taken.rest[0];
  if (stray !== undefined) {
    const known = Object.keys(CONFIG_FLAGS).map((f) => `--${f}`).join(', ');
    const what = stray.startsWith('-') ? `unknown flag ${stray.split('=')[0]}` : `unexpected argument "${stray}"`;
    throw new ConfigError(`${what}; known flags: ${known}`, { source: 'command line' });
  }
  return taken.values as Record<string, string>;
}

function readEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('ROOMKIT_') || value === undefined) continue;
    if (!CONFIG_ENV_VARS.includes(name)) {
      throw new ConfigError(
        `unknown environment variable ${name}; known ROOMKIT_* variables: ${CONFIG_ENV_VARS.join(', ')}`,
        { source: `env ${name}` },
      );
    }
    if (value === '') {
      throw new ConfigError(`environment variable ${name} is set but empty: give it a value or unset it`, {
        source: `env ${name}`,
      });
    }
    out[name] = value;
  }
  return out;
}

function parseSetting(key: SettableKey, raw: string, numeric: boolean, source: string): unknown {
  let value: unknown = raw;
  // 'auto' or a count: a number when it looks like one.
  if (key === 'mediaWorkers' && /^[0-9]+$/.test(raw)) value = Number(raw);
  // `*`, or origins separated by commas.
  if (key === 'corsOrigins' && raw.trim() !== '*') value = raw.split(',').map((o) => o.trim()).filter((o) => o !== '');
  // CIDR ranges / URLs separated by commas.
  if (key === 'outboundAllowCidrs' || key === 'turnServers') value = raw.split(',').map((o) => o.trim()).filter((o) => o !== '');
  // true / false, a hop count, or addresses and CIDR ranges separated by commas.
  if (key === 'trustProxy') value = raw === 'true' ? true : raw === 'false' ? false : /^[0-9]+$/.test(raw) ? Number(raw) : raw.split(',').map((o) => o.trim()).filter((o) => o !== '');
  if (numeric) {
    if (!/^[0-9]+$/.test(raw)) {
      throw new ConfigError(`${key} from ${source}: "${raw}" is not a whole number`, { key, source });
    }
    value = Number(raw);
  }
  const result = configSchema.shape[key].safeParse(value);
  if (!result.success) {
    const shown = SECRET_KEYS.has(key) ? `(${Buffer.byteLength(raw)} bytes)` : `"${raw}"`;
    throw new ConfigError(`${key} from ${source}: ${shown} ${result.error.issues[0].message}`, { key, source });
  }
  return result.data;
}

function readConfigFile(path: string, via: string): Partial<ConfigInput> {
  const source = `config file ${path}`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(err as Error).message})`;
    throw new ConfigError(`config file ${path} (named by ${via}) ${reason}`, { source, cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(stripJsonComments(text));
  } catch (err) {
    throw new ConfigError(`${source} is not valid JSON (// comments are allowed): ${(err as Error).message}`, {
      source,
      cause: err,
    });
  }
  const result = fileConfigSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError(`${source}: ${describeIssue(issue, json)}`, { source, key: issue.path.join('.') || undefined });
  }
  return result.data as Partial<ConfigInput>;
}

function describeIssue(issue: ZodIssue, json: unknown): string {
  const at = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') {
    const shape = at === 'limits' ? limitsSchema.shape : configSchema.shape;
    const keys = issue.keys.map((k) => `"${at ? `${at}.` : ''}${k}"`).join(', ');
    return `unknown key ${keys}; known keys${at ? ` of ${at}` : ''}: ${Object.keys(shape).join(', ')}`;
  }
  if (at === '') return 'must contain a JSON object';
  let value: unknown = json;
  for (const p of issue.path) value = (value as Record<string | number, unknown> | undefined)?.[p];
  const shown = SECRET_KEYS.has(at as SettableKey) && typeof value === 'string' ? `${Buffer.byteLength(value)} bytes` : JSON.stringify(value);
  return `${at} ${issue.message} (got ${shown})`;
}

/** Removes `//` and `/* *\/` comments outside strings, keeping line breaks so JSON errors point right. */
export function stripJsonComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      const start = i++;
      while (i < text.length && text[i] !== '"' && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
      out += text.slice(start, ++i);
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}
