// Turns RTCStatsReports into the per-stream stats arrays that getVideoStats()/getAudioStats()/
// getShareStats() return. Bitrate needs two samples, so the reader remembers the previous one.

/** One RTP stream's numbers (one entry per simulcast layer for a local camera). */
export interface StreamStats {
  /** kbit/s since the previous call for the same stream (0 on the first call). */
  bitrate: number;
  packetsLost: number;
  totalPackets: number;
  /** ms */
  jitter: number;
  /** Round-trip time in ms, when the browser reports it. */
  rtt?: number;
  codec: string;
  /** Simulcast layer (`q`/`h`/`f`) of a local camera encoding. */
  rid?: string;
  frameWidth?: number;
  frameHeight?: number;
  framesPerSecond?: number;
  framesDecoded?: number;
  framesEncoded?: number;
  /** The VideoSDK shape of the frame size, for apps written against it. */
  size?: { width: number; height: number; framerate: number };
  /**
   * Remote video: the simulcast layer being received, 0 (low) .. 2 (high), as VideoSDK names it.
   * The layer the server forwards (simulcast cameras); else inferred from the decoded width against
   * the publisher's full width (layers are 1/4, 1/2, 1).
   */
  currentSpatialLayer?: number;
  /** Remote video: the layer asked for with setQuality() (low 0, med 1, high 2). */
  preferredSpatialLayer?: number;
}

const LAYER_OF_QUALITY = { low: 0, med: 1, high: 2 } as const;

/**
 * Sets currentSpatialLayer / preferredSpatialLayer on a remote video entry. `forwarded` is the layer
 * the server says it forwards (simulcast cameras): it is right even when the publisher's encoder
 * scaled its layers down (a CPU-limited browser does); otherwise the decoded width tells.
 */
export function addLayers(
  stat: StreamStats,
  publisherWidth: number | undefined,
  quality: keyof typeof LAYER_OF_QUALITY,
  forwarded: keyof typeof LAYER_OF_QUALITY | null = null,
): void {
  stat.preferredSpatialLayer = LAYER_OF_QUALITY[quality];
  if (forwarded !== null && stat.frameWidth) {
    stat.currentSpatialLayer = LAYER_OF_QUALITY[forwarded];
    return;
  }
  if (!publisherWidth || !stat.frameWidth) return;
  // Full size → 2; half → 1; a quarter (or less) → 0. Thresholds sit between the ratios.
  const ratio = publisherWidth / stat.frameWidth;
  stat.currentSpatialLayer = ratio >= 3 ? 0 : ratio >= 1.4 ? 1 : 2;
}

type Stat = Record<string, unknown> & { id: string; type: string; timestamp: number };

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

export class StatsReader {
  private readonly previous = new Map<string, { bytes: number; timestamp: number }>();

  /** Reads inbound-rtp (remote streams) or outbound-rtp (local streams) entries of `report`. */
  read(report: RTCStatsReport, scope: string, direction: 'inbound' | 'outbound'): StreamStats[] {
    const all = new Map<string, Stat>();
    report.forEach((s: Stat) => all.set(s.id, s));
    const rtt = this.transportRtt(all);
    const out: StreamStats[] = [];
    for (const s of all.values()) {
      if (s.type !== `${direction}-rtp`) continue;
      const bytes = num(direction === 'inbound' ? s.bytesReceived : s.bytesSent) ?? 0;
      const key = `${scope}:${s.id}`;
      const prev = this.previous.get(key);
      this.previous.set(key, { bytes, timestamp: s.timestamp });
      const elapsedMs = prev ? s.timestamp - prev.timestamp : 0;
      const bitrate = elapsedMs > 0 ? Math.max(0, ((bytes - prev!.bytes) * 8) / elapsedMs) : 0;

      const codecStat = typeof s.codecId === 'string' ? all.get(s.codecId) : undefined;
      const mime = typeof codecStat?.mimeType === 'string' ? codecStat.mimeType : '';
      const remote = typeof s.remoteId === 'string' ? all.get(s.remoteId) : undefined;
      const remoteRtt = num(remote?.roundTripTime);
      const width = num(s.frameWidth);
      const height = num(s.frameHeight);
      const fps = num(s.framesPerSecond);
      const stat: StreamStats = {
        bitrate: Math.round(bitrate * 10) / 10,
        packetsLost: num(direction === 'inbound' ? s.packetsLost : remote?.packetsLost) ?? 0,
        totalPackets: num(direction === 'inbound' ? s.packetsReceived : s.packetsSent) ?? 0,
        jitter: Math.round((num(direction === 'inbound' ? s.jitter : remote?.jitter) ?? 0) * 1000),
        codec: mime.split('/')[1]?.toLowerCase() ?? '',
      };
      const rttSeconds = remoteRtt ?? rtt;
      if (rttSeconds !== undefined) stat.rtt = Math.round(rttSeconds * 1000);
      if (typeof s.rid === 'string') stat.rid = s.rid;
      if (width !== undefined && height !== undefined) {
        stat.frameWidth = width;
        stat.frameHeight = height;
        stat.size = { width, height, framerate: fps ?? 0 };
      }
      if (fps !== undefined) stat.framesPerSecond = fps;
      if (num(s.framesDecoded) !== undefined) stat.framesDecoded = num(s.framesDecoded);
      if (num(s.framesEncoded) !== undefined) stat.framesEncoded = num(s.framesEncoded);
      out.push(stat);
    }
    // Simulcast layers in q, h, f order (reverse alphabetical happens to be low → high).
    return out.sort((a, b) => (b.rid ?? '').localeCompare(a.rid ?? ''));
  }

  /**
   * Like read(), but when `scope` has no earlier sample it samples twice, `gapMs` apart, so the
   * first call already reports a bitrate.
   */
  async sample(getReport: () => Promise<RTCStatsReport>, scope: string, direction: 'inbound' | 'outbound', gapMs = 500): Promise<StreamStats[]> {
    const known = [...this.previous.keys()].some((key) => key.startsWith(`${scope}:`));
    if (!known) {
      this.read(await getReport(), scope, direction);
      await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
    return this.read(await getReport(), scope, direction);
  }

  /** Forgets samples of a closed connection. */
  forget(scope: string): void {
    for (const key of this.previous.keys()) if (key.startsWith(`${scope}:`)) this.previous.delete(key);
  }

  private transportRtt(all: Map<string, Stat>): number | undefined {
    for (const s of all.values()) {
      if (s.type === 'candidate-pair' && s.nominated === true && num(s.currentRoundTripTime) !== undefined) {
        return num(s.currentRoundTripTime);
      }
    }
    return undefined;
  }
}
