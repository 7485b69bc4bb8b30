// SDP helpers of the node client: what it needs from the server's subscriber offer (per mid, the
// kind, codec, media payload type and any RTX payload types), and candidates held back from a
// description until the other side can answer their checks.

export interface OfferedMedia {
  mid: string;
  kind: 'audio' | 'video';
  codec: string;
  payloadType: number;
  rtxPayloadTypes: number[];
}

export function parseOfferedMedia(sdp: string): Map<string, OfferedMedia> {
  const out = new Map<string, OfferedMedia>();
  for (const section of sdp.split(/\r?\n(?=m=)/).slice(1)) {
    const lines = section.split(/\r?\n/);
    const m = /^m=(audio|video) \d+ \S+ (.*)$/.exec(lines[0] ?? '');
    const mid = lines.find((l) => l.startsWith('a=mid:'))?.slice(6).trim();
    if (!m || mid === undefined) continue;
    const rtpmap = new Map<number, string>();
    const rtx: number[] = [];
    for (const l of lines) {
      const r = /^a=rtpmap:(\d+) ([^/]+)/.exec(l);
      if (r) rtpmap.set(Number(r[1]), r[2]!);
    }
    for (const [pt, name] of rtpmap) if (name.toLowerCase() === 'rtx') rtx.push(pt);
    const formats = m[2]!.trim().split(/\s+/).map(Number);
    const media = formats.find((pt) => rtpmap.has(pt) && rtpmap.get(pt)!.toLowerCase() !== 'rtx') ?? formats[0] ?? -1;
    out.set(mid, { mid, kind: m[1] as 'audio' | 'video', codec: rtpmap.get(media) ?? '', payloadType: media, rtxPayloadTypes: rtx });
  }
  return out;
}

/** Splits the candidate lines (and end-of-candidates) out of an SDP, with the mid each belongs to. */
export function takeCandidates(sdp: string): { sdp: string; candidates: Array<{ candidate: string; mid: string }> } {
  const candidates: Array<{ candidate: string; mid: string }> = [];
  const kept: string[] = [];
  let mid = '';
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) mid = '';
    if (line.startsWith('a=mid:')) mid = line.slice(6).trim();
    if (line.startsWith('a=candidate:')) {
      candidates.push({ candidate: line.slice(2), mid });
      continue;
    }
    if (line === 'a=end-of-candidates') continue;
    kept.push(line);
  }
  return { sdp: kept.join('\r\n'), candidates };
}
