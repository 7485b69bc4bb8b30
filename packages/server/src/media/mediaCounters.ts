// Process-wide counters of the packet path's defences (one media worker process = one set), read
// by MediaWorkerCore's stats for /metrics, and the exception guard's report. Plain fields:
// incremented on the packet path, nothing allocated there.
import { logger } from '../logger.js';

const log = logger('media:guard');

export const mediaCounters = {
  /** Packets (and timer rounds) whose handling threw: caught at the entry point, dropped. */
  packetErrors: 0,
  /** RTCP packets from subscribers dropped by their per-subscriber budget (SubscriberRtcpGate). */
  rtcpDropped: 0,
  /** Transport-cc feedbacks ignored because the subscriber's status budget was spent. */
  transportCcDropped: 0,
};

/** At most one log line per this long; the ones in between are counted in the next. */
const LOG_INTERVAL_MS = 10_000;
let lastLogMs = Number.NEGATIVE_INFINITY;
let suppressed = 0;

/**
 * A packet's handling threw (`where`: the entry point). Counts it and logs rate-limited; the packet
 * is dropped and the next one is handled as usual. Only called on the exceptional path.
 */
export function reportPacketError(err: unknown, where: string): void {
  mediaCounters.packetErrors++;
  const now = performance.now();
  if (now - lastLogMs < LOG_INTERVAL_MS) {
    suppressed++;
    return;
  }
  lastLogMs = now;
  log.error({ err, where, suppressedSinceLast: suppressed, total: mediaCounters.packetErrors }, 'packet handling threw; packet dropped');
  suppressed = 0;
}
