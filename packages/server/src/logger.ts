// Namespaced, structured loggers (pino); quiet by default and never used per packet.
import pino, { type Logger } from 'pino';

const root: Logger = pino({ level: 'info', base: undefined, timestamp: pino.stdTimeFunctions.isoTime });
/** Module loggers are created at import time, before the config is read: keep them to re-level. */
const children: Logger[] = [];

export function configureLogging(level: string): void {
  root.level = level;
  for (const child of children) child.level = level;
}

export function logger(module: string): Logger {
  const child = root.child({ module: `roomkit:${module}` });
  children.push(child);
  return child;
}
