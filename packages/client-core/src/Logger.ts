// Console logger with one SDK-wide level (VideoSDK.setLogLevel, default INFO) and a per-meeting
// debug switch (`debugMode: true` shows that meeting's debug lines at any level but NONE).
import type { LogLevelName } from '@roomkit/protocol/sdkConstants';

const RANK: Record<LogLevelName, number> = { NONE: 0, ERROR: 1, WARN: 2, INFO: 3, DEBUG: 4, ALL: 5 };
let sdkLevel: LogLevelName = 'INFO';

export function isLogLevel(value: unknown): value is LogLevelName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(RANK, value);
}

export function setSdkLogLevel(level: LogLevelName): void {
  sdkLevel = level;
}

export function sdkLogLevel(): LogLevelName {
  return sdkLevel;
}

const shows = (level: LogLevelName): boolean => RANK[sdkLevel] >= RANK[level];

export class Logger {
  constructor(
    private readonly enabled: boolean,
    private readonly scope = 'roomkit',
  ) {}

  debug(...args: unknown[]): void {
    if (shows('DEBUG') || (this.enabled && sdkLevel !== 'NONE')) console.debug(`[${this.scope}]`, ...args);
  }

  info(...args: unknown[]): void {
    if (shows('INFO')) console.info(`[${this.scope}]`, ...args);
  }

  warn(...args: unknown[]): void {
    if (shows('WARN')) console.warn(`[${this.scope}]`, ...args);
  }

  error(...args: unknown[]): void {
    if (shows('ERROR')) console.error(`[${this.scope}]`, ...args);
  }
}
