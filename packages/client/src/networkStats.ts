// VideoSDK.getNetworkStats(): download and upload speed to the Roomkit server, measured over HTTP
// (VideoSDK removed this in its 1.x SDKs; Roomkit keeps it for apps written against 0.x).
import { NetworkProbe } from './NetworkProbe.js';
import { RoomkitError } from './protocolRuntime.js';

export interface NetworkStatsOptions {
  /** ms before the measurement gives up (ERROR_OPERATION_TIMED_OUT); default 60000, as VideoSDK. */
  timeoutDuration?: number;
  /** Roomkit's own: the server to measure against; default the page's origin. */
  signalingBaseUrl?: string;
}

export const NETWORK_STATS_DEFAULT_TIMEOUT_MS = 60_000;

/** Resolves with `{downloadSpeed, uploadSpeed}` in Mbit/s (lower bounds: round trips included). */
export async function getNetworkStats(options: NetworkStatsOptions = {}): Promise<{ downloadSpeed: number; uploadSpeed: number }> {
  if (options === null || typeof options !== 'object') throw new RoomkitError('ERROR_INVALID_PARAMETER', 'getNetworkStats(options): options must be an object');
  const t = options.timeoutDuration;
  // VideoSDK's rule: anything but a positive integer means the default.
  const timeout = typeof t === 'number' && Number.isInteger(t) && t > 0 ? t : NETWORK_STATS_DEFAULT_TIMEOUT_MS;
  const abort = new AbortController();
  const probe = new NetworkProbe(options.signalingBaseUrl, abort.signal);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(new RoomkitError('ERROR_OPERATION_TIMED_OUT', `getNetworkStats(): no result from ${probe.baseUrl} within ${timeout} ms`));
    }, timeout);
  });
  const measure = (async () => {
    try {
      const down = await probe.download(3_000);
      const up = await probe.upload(3_000);
      return { downloadSpeed: Math.round(down.mbps * 100) / 100, uploadSpeed: Math.round(up.mbps * 100) / 100 };
    } catch (err) {
      if (abort.signal.aborted) throw err;
      throw new RoomkitError('SOMETHING_WENT_WRONG', `getNetworkStats(): could not measure against ${probe.baseUrl} (${(err as Error)?.message ?? String(err)})`, { cause: err });
    }
  })();
  try {
    return await Promise.race([measure, timedOut]);
  } finally {
    clearTimeout(timer);
    measure.catch(() => undefined);
  }
}
