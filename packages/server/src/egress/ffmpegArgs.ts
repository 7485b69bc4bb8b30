// ffmpeg's command line for a job: the compositor's WebM on stdin, video copied (or encoded with
// libx264), audio to AAC, and every output of the job written through one `tee` muxer.
import type { EgressOutput } from './types.js';

/** Escapes a value for a tee slave (`[opt=value]target`): the characters tee and its options parse. */
export function teeEscape(value: string): string {
  return value.replace(/[\\|[\]:]/g, (c) => `\\${c}`);
}

export interface FfmpegArgsParams {
  /** What the compositor's MediaRecorder produces, e.g. `video/webm;codecs=h264,opus`. */
  inputMime: string;
  audioOnly: boolean;
  /** Re-encode video with libx264 at this GOP even when the input is H.264. */
  transcode?: { gopSeconds: number };
  /** Target video bitrate when encoding, bits/s. */
  videoBitrate: number;
  outputs: EgressOutput[];
  extraOutputArgs?: string[];
}

export function inputIsH264(mime: string): boolean {
  return /codecs=[^;]*\b(h264|avc1)/i.test(mime);
}

export function buildFfmpegArgs(p: FfmpegArgsParams): string[] {
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'warning', '-fflags', '+genpts', '-f', 'matroska', '-i', 'pipe:0'];
  if (p.audioOnly) {
    args.push('-map', '0:a:0', '-vn');
  } else {
    args.push('-map', '0:v:0', '-map', '0:a:0?');
    if (inputIsH264(p.inputMime) && !p.transcode) {
      args.push('-c:v', 'copy');
    } else {
      const gop = Math.round(30 * (p.transcode?.gopSeconds ?? 2));
      args.push(
        '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p',
        '-b:v', String(p.videoBitrate), '-maxrate', String(p.videoBitrate), '-bufsize', String(p.videoBitrate * 2),
        '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0',
        '-force_key_frames', `expr:gte(t,n_forced*${p.transcode?.gopSeconds ?? 2})`,
        '-flags:v', '+global_header',
      );
    }
  }
  args.push('-c:a', 'aac', '-b:a', '128k', '-ar', '48000', '-ac', '2', '-flags:a', '+global_header');
  args.push(...(p.extraOutputArgs ?? []));
  args.push('-f', 'tee', p.outputs.map((o) => o.teeSlave()).join('|'));
  return args;
}

/**
 * A fragmented MP4 file: playable up to its last fragment if the process is killed. A fragment is
 * cut at every keyframe and at least every second, and written out at once (`flush_packets`):
 * otherwise a quiet, low-bitrate composite sits in ffmpeg's 32 KB output buffer and a kill loses it.
 */
export function mp4FileSlave(path: string): string {
  return `[f=mp4:flush_packets=1:movflags=+frag_keyframe+empty_moov+default_base_moof:frag_duration=1000000]${teeEscape(path)}`;
}
