// Measures the path to the Roomkit server the SDK talks to, over HTTP from the page: round trips
// (GET /health), download (random bytes from /sdk/network-probe, uncached and incompressible) and
// upload (text bodies the server reads and discards). Used by runPreCallTest() and getNetworkStats(); no third-party endpoint is contacted.
import { RoomkitError } from './protocolRuntime.js';
import { serverBaseUrl } from './serverUrl.js';

/** The server's probe route: GET sends 64 KB of random bytes, POST reads a body and answers 204. */
export const UPLOAD_PROBE_PATH = '/sdk/network-probe';
export const DOWNLOAD_PROBE_PATH = '/sdk/network-probe';
const UPLOAD_CHUNK_BYTES = 60 * 1024;
/** Transfers run this many requests at once, so one round trip per request does not dominate. */
const PARALLEL = 4;
/** Caps a transfer on a fast link (loopback): a few MB tell the story. */
const MAX_ROUNDS = 8;

/** The server the statics measure when the app passes no `signalingBaseUrl`: the same one initMeeting would use. */
export function defaultServerUrl(): string | undefined {
  return serverBaseUrl(undefined);
}

export interface ThroughputSample {
  /** Mbit/s over the whole transfer (round trips included: a lower bound). */
  mbps: number;
  bytes: number;
  ms: number;
}

export class NetworkProbe {
  readonly baseUrl: string;
  private readonly signal: AbortSignal | undefined;
  private seq = 0;

  constructor(baseUrl: string | undefined, signal?: AbortSignal) {
    const base = baseUrl ?? defaultServerUrl();
    if (!base) throw new RoomkitError('ERROR_INVALID_PARAMETER', 'No Roomkit server URL: pass signalingBaseUrl (outside a browser page there is no page origin to default to)');
    let url: URL;
    try {
      url = new URL(base);
    } catch (err) {
      throw new RoomkitError('ERROR_INVALID_PARAMETER', `signalingBaseUrl '${base}' is not a URL`, { cause: err });
    }
    this.baseUrl = url.origin + url.pathname.replace(/\/+$/, '');
    this.signal = signal;
  }

  private url(path: string): string {
    // A fresh query per request: no cache or connection-level dedup may answer for the network.
    return `${this.baseUrl}${path}?probe=${Date.now().toString(36)}-${++this.seq}`;
  }

  /** One HTTP round trip to the server, in ms. */
  async rtt(): Promise<number> {
    const t0 = performance.now();
    // no-cors: an opaque answer is enough to time, and /health needs no CORS headers then.
    const res = await fetch(this.url('/health'), { mode: 'no-cors', cache: 'no-store', signal: this.signal });
    await res.arrayBuffer();
    return performance.now() - t0;
  }

  /**
   * Downloads the SDK file, PARALLEL requests at a time, for about `budgetMs`: bytes are counted as
   * they arrive and reading stops at the deadline, so a slow link costs time, not a whole file.
   */
  async download(budgetMs = 1_500): Promise<ThroughputSample> {
    return this.transfer(budgetMs, async (deadline) => {
      const res = await fetch(this.url(DOWNLOAD_PROBE_PATH), { cache: 'no-store', signal: this.signal });
      if (!res.ok || !res.body) throw new Error(`GET ${DOWNLOAD_PROBE_PATH} answered ${res.status}`);
      const reader = res.body.getReader();
      let bytes = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.byteLength;
        if (performance.now() > deadline) {
          void reader.cancel().catch(() => undefined);
          break;
        }
      }
      return bytes;
    });
  }

  /** Uploads 60 KB bodies, PARALLEL at a time, for about `budgetMs`. */
  async upload(budgetMs = 1_500): Promise<ThroughputSample> {
    const body = 'r'.repeat(UPLOAD_CHUNK_BYTES);
    return this.transfer(budgetMs, async () => {
      // text/plain in no-cors mode: no preflight, and the server's text parser reads it in full
      // before it answers (204); the answer is opaque, only its arrival is timed.
      const res = await fetch(this.url(UPLOAD_PROBE_PATH), { method: 'POST', mode: 'no-cors', body, headers: { 'content-type': 'text/plain' }, cache: 'no-store', signal: this.signal });
      await res.arrayBuffer();
      return UPLOAD_CHUNK_BYTES;
    });
  }

  /** Rounds of PARALLEL requests until `budgetMs` has passed (at least one, at most MAX_ROUNDS). */
  private async transfer(budgetMs: number, once: (deadline: number) => Promise<number>): Promise<ThroughputSample> {
    const t0 = performance.now();
    const deadline = t0 + budgetMs;
    let bytes = 0;
    for (let r = 0; r < MAX_ROUNDS && (r === 0 || performance.now() < deadline); r++) {
      const sizes = await Promise.all(Array.from({ length: PARALLEL }, () => once(deadline)));
      bytes += sizes.reduce((a, b) => a + b, 0);
    }
    const ms = Math.max(performance.now() - t0, 0.001);
    return { mbps: (bytes * 8) / (ms * 1000), bytes, ms };
  }
}

/** Mean and mean absolute successive difference (RFC 3550-style jitter) of RTT samples, in ms. */
export function summarizeRtt(samples: readonly number[]): { rtt: number; jitter: number } | null {
  if (samples.length === 0) return null;
  const rtt = samples.reduce((a, b) => a + b, 0) / samples.length;
  let diff = 0;
  for (let i = 1; i < samples.length; i++) diff += Math.abs(samples[i]! - samples[i - 1]!);
  const jitter = samples.length > 1 ? diff / (samples.length - 1) : 0;
  return { rtt, jitter };
}

export type NetworkQualityScore = 'excellent' | 'good' | 'fair' | 'poor';

/** A coarse score from what was measured; thresholds are those commonly used for interactive calls. */
export function scoreNetwork(m: { rtt: number; jitter: number; mbps: number | null }): NetworkQualityScore {
  if (m.rtt > 400 || m.jitter > 100 || (m.mbps !== null && m.mbps < 0.3)) return 'poor';
  if (m.rtt > 250 || m.jitter > 50 || (m.mbps !== null && m.mbps < 1)) return 'fair';
  if (m.rtt > 100 || m.jitter > 20 || (m.mbps !== null && m.mbps < 2.5)) return 'good';
  return 'excellent';
}
