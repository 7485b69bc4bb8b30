// Namespaced, structured loggers (pino); quiet by default and never used per packet. On a terminal
// they print as readable lines (pino-pretty); piped or in a file, as one JSON object a line.
import pino, { type Logger } from 'pino';
import pinoPretty from 'pino-pretty';

export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

interface LineSink {
  write(line: string): unknown;
}

/** Where every logger writes; configureLogging() swaps it, so loggers made at import time follow. */
const sink: LineSink & { target: LineSink } = {
  target: process.stdout,
  write(line) {
    return this.target.write(line);
  },
};

const root: Logger = pino({ level: 'info', base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, sink);
/** Module loggers are created at import time, before the config is read: keep them to re-level. */
const children: Logger[] = [];

/** `auto`: readable lines when stdout is a terminal, JSON lines otherwise. */
export function resolveLogFormat(format: LogFormat, isTTY = process.stdout.isTTY === true): 'json' | 'pretty' {
  return format === 'auto' ? (isTTY ? 'pretty' : 'json') : format;
}

/** A stream turning pino's JSON lines into `12:00:01.234 INFO  [roomkit:server] message key=value`. */
export function prettyStream(destination: NodeJS.WritableStream = process.stdout, colorize = process.stdout.isTTY === true): LineSink {
  return pinoPretty({
    colorize,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,module',
    messageFormat: '[{module}] {msg}',
    singleLine: true,
    sync: true,
    destination,
  });
}

export function configureLogging(level: string, format: LogFormat = 'auto'): void {
  root.level = level;
  for (const child of children) child.level = level;
  sink.target = resolveLogFormat(format) === 'pretty' ? prettyStream() : process.stdout;
}

export function logger(module: string): Logger {
  const child = root.child({ module: `roomkit:${module}` });
  children.push(child);
  return child;
}
