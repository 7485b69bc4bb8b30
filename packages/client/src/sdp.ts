// The little SDP reading the SDK needs: which codec a media section negotiated.

/**
 * Codec name (lower-case, e.g. 'opus', 'vp8') of the first payload type of a media section: the
 * section whose `a=mid` is `mid`, or the first one when no mid is given. '' when not found.
 */
export function codecOf(sdp: string, mid?: string): string {
  const sections = sdp.split(/\r?\nm=/).slice(1).map((s) => `m=${s}`);
  const section = mid === undefined ? sections[0] : sections.find((s) => new RegExp(`^a=mid:${escapeRegExp(mid)}\\s*$`, 'm').test(s));
  if (!section) return '';
  const firstPt = /^m=\S+ \d+ \S+ (\d+)/.exec(section)?.[1];
  if (!firstPt) return '';
  const name = new RegExp(`^a=rtpmap:${firstPt} ([^/\\s]+)`, 'm').exec(section)?.[1];
  return name ? name.toLowerCase() : '';
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
