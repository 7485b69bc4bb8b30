// What one MPEG-TS segment of an HLS stream holds, as a master playlist must announce it: the RFC
// 6381 codec strings (`avc1.PPCCLL` from the H.264 SPS bytes themselves, `mp4a.40.N` from the AAC
// profile), the picture size and the frame rate. Read from the encoder's actual output, so it stays
// right whichever compositor or encoder settings made it.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

export interface SegmentInfo {
  video?: { codec: string | null; width: number; height: number; frameRate: number | null };
  audio?: { codec: string | null };
}

interface ProbedStream {
  codec_type?: string;
  codec_name?: string;
  profile?: string;
  width?: number;
  height?: number;
  r_frame_rate?: string;
  id?: string;
}

/** AAC profiles as ffprobe names them → MPEG-4 audio object type (RFC 6381 `mp4a.40.<type>`). */
const AAC_OBJECT_TYPES: Record<string, number> = { LC: 2, 'HE-AAC': 5, 'HE-AACv2': 29, Main: 1, SSR: 3, LTP: 4 };

export function probeSegment(ffprobePath: string, file: string): Promise<SegmentInfo> {
  return new Promise((resolve, reject) => {
    execFile(
      ffprobePath,
      ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,profile,width,height,r_frame_rate,id', '-of', 'json', file],
      { timeout: 15_000, killSignal: 'SIGKILL', maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`ffprobe of ${file} failed: ${String(stderr).trim() || err.message}`));
        const streams = ((JSON.parse(stdout) as { streams?: ProbedStream[] }).streams ?? []);
        void describe(file, streams).then(resolve, reject);
      },
    );
  });
}

async function describe(file: string, streams: ProbedStream[]): Promise<SegmentInfo> {
  const info: SegmentInfo = {};
  const video = streams.find((s) => s.codec_type === 'video');
  if (video && video.width && video.height) {
    const pid = video.id ? Number.parseInt(video.id, 16) : NaN;
    const sps = video.codec_name === 'h264' && Number.isInteger(pid) ? h264SpsHead(await readFile(file), pid) : null;
    info.video = { codec: sps ? avc1Codec(sps) : null, width: video.width, height: video.height, frameRate: frameRateOf(video.r_frame_rate) };
  }
  const audio = streams.find((s) => s.codec_type === 'audio');
  if (audio) {
    const type = audio.codec_name === 'aac' ? AAC_OBJECT_TYPES[audio.profile ?? ''] : undefined;
    info.audio = { codec: type ? `mp4a.40.${type}` : null };
  }
  return info;
}

function frameRateOf(rate: string | undefined): number | null {
  const [num, den] = (rate ?? '').split('/').map(Number);
  const fps = num! / (den || 1);
  return Number.isFinite(fps) && fps > 0 && fps <= 240 ? fps : null;
}

/** `avc1.` + profile_idc, constraint flags and level_idc as six hex digits (RFC 6381 §3.3). */
export function avc1Codec(spsHead: Buffer): string {
  return `avc1.${spsHead.subarray(0, 3).toString('hex').toUpperCase()}`;
}

/**
 * The three bytes after the NAL header of the first H.264 SPS carried on `pid` of an MPEG-TS
 * buffer (profile_idc, constraint flags, level_idc), or null. The payloads of that PID are joined
 * first, so an SPS split across two TS packets is still found; the PES header in between cannot
 * look like one (its start code is followed by a stream id 0xE0-0xEF, NAL type 0).
 */
export function h264SpsHead(ts: Buffer, pid: number, maxBytes = 256 * 1024): Buffer | null {
  const parts: Buffer[] = [];
  let total = 0;
  for (let off = 0; off + 188 <= ts.length && total < maxBytes; off += 188) {
    if (ts[off] !== 0x47) return null; // not packet-aligned TS: give up rather than guess
    if ((((ts[off + 1]! & 0x1f) << 8) | ts[off + 2]!) !== pid) continue;
    const control = (ts[off + 3]! >> 4) & 3;
    if (!(control & 1)) continue; // adaptation field only
    const start = off + 4 + (control & 2 ? 1 + ts[off + 4]! : 0);
    if (start >= off + 188) continue;
    const part = ts.subarray(start, off + 188);
    parts.push(part);
    total += part.length;
  }
  const es = Buffer.concat(parts);
  for (let i = 0; i + 6 < es.length; i++) {
    if (es[i] === 0 && es[i + 1] === 0 && es[i + 2] === 1 && (es[i + 3]! & 0x1f) === 7) return es.subarray(i + 4, i + 7);
  }
  return null;
}
