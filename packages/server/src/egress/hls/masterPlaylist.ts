// The master (multivariant) playlist in front of each media playlist of a stream: one
// EXT-X-STREAM-INF with BANDWIDTH, AVERAGE-BANDWIDTH, CODECS, RESOLUTION and FRAME-RATE.
// Players need it, not just like it: hls.js sizes its forward buffer from the variant's bitrate
// (`getMaxBufferLength`: max(8 × maxBufferSize / bitrate, maxBufferLength), capped by
// maxMaxBufferLength). A bare media playlist has no bitrate, so with VideoSDK's react-hls player
// settings (`maxBufferLength: 0`) the target was 0 s and hls.js never asked for a segment.

export interface Variant {
  /** Peak bits/s of a segment (BANDWIDTH). */
  bandwidth: number;
  /** Mean bits/s over the stream so far (AVERAGE-BANDWIDTH); absent before the first segment. */
  averageBandwidth?: number;
  /** RFC 6381 codec strings (CODECS); absent when any of the stream's codecs is unknown. */
  codecs?: string[];
  resolution?: { width: number; height: number };
  frameRate?: number;
}

export function masterPlaylist(variant: Variant, mediaPlaylistUri: string): string {
  const attrs = [`BANDWIDTH=${Math.max(1, Math.round(variant.bandwidth))}`];
  if (variant.averageBandwidth) attrs.push(`AVERAGE-BANDWIDTH=${Math.max(1, Math.round(variant.averageBandwidth))}`);
  if (variant.codecs?.length) attrs.push(`CODECS="${variant.codecs.join(',')}"`);
  if (variant.resolution) attrs.push(`RESOLUTION=${variant.resolution.width}x${variant.resolution.height}`);
  if (variant.frameRate) attrs.push(`FRAME-RATE=${variant.frameRate.toFixed(3)}`);
  return ['#EXTM3U', '#EXT-X-VERSION:6', '#EXT-X-INDEPENDENT-SEGMENTS', `#EXT-X-STREAM-INF:${attrs.join(',')}`, mediaPlaylistUri, ''].join('\n');
}
