// SDP text surgery around libdatachannel: trims browser offers to what the SFU forwards, fixes
// libdatachannel's simulcast answer, and replaces gathered candidates with the announced address.

const KEPT_EXTENSIONS = [
  'urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
  'urn:ietf:params:rtp-hdrext:sdes:mid',
  'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
  'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
];

export const EXT_AUDIO_LEVEL = KEPT_EXTENSIONS[0]!;
export const EXT_RID = KEPT_EXTENSIONS[3]!;
export const EXT_ABS_SEND_TIME = KEPT_EXTENSIONS[1]!;
export const EXT_TRANSPORT_CC = KEPT_EXTENSIONS[4]!;

export interface PublishOfferInfo {
  /** The offer trimmed to one codec and the header extensions the SFU reads. */
  sdp: string;
  payloadType: number;
  codec: 'VP8' | 'opus';
  /** Header extension ids by URI, as the browser numbered them. */
  extensionIds: Map<string, number>;
  /** Simulcast rids in the order the browser listed them (lowest layer first, by our SDK's convention). */
  rids: string[];
}

/**
 * Keep a single codec (VP8 for video, Opus for audio) and drop RTX/RED/FEC, so the browser sends
 * exactly what the forwarder understands. transport-cc stays (libdatachannel echoes the extmap and
 * rtcp-fb into its answer): we send the feedback and the browser's own estimator sizes its layers,
 * with our REMB as a cap.
 */
export function trimPublishOffer(offer: string, kind: 'audio' | 'video'): PublishOfferInfo {
  const lines = offer.split(/\r?\n/).filter((l) => l.length > 0);
  const mediaLines = lines.filter((l) => l.startsWith('m='));
  if (mediaLines.length !== 1) throw new Error(`expected exactly one m-line, found ${mediaLines.length}`);
  if (!mediaLines[0]!.startsWith(`m=${kind} `)) throw new Error(`expected an m=${kind} section`);
  const codec = kind === 'video' ? 'VP8' : 'opus';
  const rtpmap = lines.find((l) => new RegExp(`^a=rtpmap:\\d+ ${codec}/`, 'i').test(l));
  if (!rtpmap) throw new Error(`the offer has no ${codec} codec`);
  const payloadType = Number(/^a=rtpmap:(\d+)/.exec(rtpmap)![1]);
  const extensionIds = new Map<string, number>();
  const rids: string[] = [];
  const out: string[] = [];
  for (const line of lines) {
    if (line.startsWith('m=')) {
      const parts = line.split(' ');
      out.push(`${parts.slice(0, 3).join(' ')} ${payloadType}`);
      continue;
    }
    const fmt = /^a=(?:rtpmap|fmtp|rtcp-fb):(\d+)/.exec(line);
    if (fmt && Number(fmt[1]) !== payloadType) continue;
    const ext = /^a=extmap:(\d+)(?:\/\w+)? (\S+)/.exec(line);
    if (ext) {
      if (!KEPT_EXTENSIONS.includes(ext[2]!)) continue;
      extensionIds.set(ext[2]!, Number(ext[1]));
    }
    const rid = /^a=rid:(\S+) send/.exec(line);
    if (rid) rids.push(rid[1]!);
    if (line.startsWith('a=ssrc-group:FID')) continue;
    out.push(line);
  }
  return { sdp: `${out.join('\r\n')}\r\n`, payloadType, codec, extensionIds, rids };
}

/** libdatachannel echoes `a=rid:x send` / `a=simulcast:send` in its answer; Chrome needs `recv`. */
export function fixSimulcastAnswer(answer: string): string {
  return answer.replace(/^a=rid:(\S+) send/gm, 'a=rid:$1 recv').replace(/^a=simulcast:send /gm, 'a=simulcast:recv ');
}

/**
 * Replace whatever candidates libdatachannel gathered with the one the clients must use: the
 * announced address on the shared UDP mux port. Every m-section gets it (BUNDLE makes the first one
 * count), followed by end-of-candidates so the browser does not wait for more.
 */
export function withAnnouncedCandidate(sdp: string, ip: string, port: number): string {
  const family = ip.includes(':') ? 'IP6' : 'IP4';
  const candidate = `a=candidate:1 1 UDP 2122317823 ${ip} ${port} typ host`;
  const lines = sdp.split(/\r?\n/).filter((l) => l.length > 0 && !l.startsWith('a=candidate') && l !== 'a=end-of-candidates');
  const out: string[] = [];
  for (const line of lines) {
    out.push(line.startsWith('c=IN ') ? `c=IN ${family} ${ip}` : line);
    if (line.startsWith('a=mid:')) out.push(candidate, 'a=end-of-candidates');
  }
  return `${out.join('\r\n')}\r\n`;
}
