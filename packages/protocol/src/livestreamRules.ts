// The livestream destination rules, zod-free so the browser SDK checks them before sending (no
// round trip) with the same words the server uses for every other caller.
import { RoomkitError } from './errors.js';

/** Most RTMP destinations of one livestream. */
export const MAX_LIVESTREAM_OUTPUTS = 5;

/**
 * Destinations: 1..5, rtmp:// or rtmps:// URLs with a host and no credentials, a non-empty stream
 * key. Every failure is INVALID_LIVESTREAM_CONFIG (4015) and names the field.
 */
export function validateRtmpOutputs(outputs: readonly { url: string; streamKey: string }[] | undefined): { url: string; streamKey: string }[] {
  const invalid = (message: string) => new RoomkitError('INVALID_LIVESTREAM_CONFIG', message);
  if (!outputs || outputs.length === 0) throw invalid('outputs: give at least one {url, streamKey} destination');
  if (outputs.length > MAX_LIVESTREAM_OUTPUTS) throw invalid(`outputs: at most ${MAX_LIVESTREAM_OUTPUTS} destinations, got ${outputs.length}`);
  return outputs.map((output, i) => {
    const url = typeof output?.url === 'string' ? output.url.trim() : '';
    let parsed: URL | null = null;
    try {
      parsed = new URL(url);
    } catch {
      parsed = null;
    }
    if (!parsed || (parsed.protocol !== 'rtmp:' && parsed.protocol !== 'rtmps:') || !parsed.hostname) {
      throw invalid(`outputs[${i}].url: must be an rtmp:// or rtmps:// URL with a host, e.g. rtmp://a.rtmp.youtube.com/live2`);
    }
    if (parsed.username || parsed.password || parsed.search || parsed.hash) {
      throw invalid(`outputs[${i}].url: put credentials and parameters in streamKey, not in the URL`);
    }
    const streamKey = typeof output?.streamKey === 'string' ? output.streamKey.trim() : '';
    if (!streamKey) throw invalid(`outputs[${i}].streamKey: must not be empty`);
    if (/[\s|]/.test(streamKey)) throw invalid(`outputs[${i}].streamKey: must not contain spaces or "|"`);
    return { url, streamKey };
  });
}

