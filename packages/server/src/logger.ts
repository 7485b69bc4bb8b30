// Namespaced, structured loggers (pino); quiet by default and never used per packet.
import pino, { type Logger } from 'pino';

let root: Logger = pino({ level: 'info' });

export function configureLogging(level: string): void {
  root = pino({ level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime });
}

export function logger(module: string): Logger {
  return root.child({ module: `roomkit:${module}` });
}
