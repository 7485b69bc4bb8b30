// The composite encoder's command line: raw I420 frames on stdin and s16le PCM on fd 3 (both at a
// constant rate set by the compositor's clock) → libx264 + AAC → every output of the job through
// one `tee` muxer.
import type { EgressOutput } from '../types.js';

export const COMPOSITE_FPS = 30;
export const AUDIO_FD = 3;

export interface EncoderArgsParams {
  /** Absent: audio only (mode 'audio'). */
  video?: { width: number; height: number; bitrate: number; gopSeconds: number };
  outputs: EgressOutput[];
  extraOutputArgs?: string[];
}

export function buildEncoderArgs(p: EncoderArgsParams): string[] {
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'warning'];
  if (p.video) {
    const { width, height } = p.video;
    args.push('-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${width}x${height}`, '-framerate', String(COMPOSITE_FPS), '-thread_queue_size', '64', '-i', 'pipe:0');
  }
  args.push('-f', 's16le', '-ar', '48000', '-ac', '2', '-thread_queue_size', '256', '-i', `pipe:${AUDIO_FD}`);
  if (p.video) {
    const { bitrate, gopSeconds } = p.video;
    const gop = Math.round(COMPOSITE_FPS * gopSeconds);
    args.push(
      '-map', '0:v:0', '-map', '1:a:0',
      '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p',
      '-b:v', String(bitrate), '-maxrate', String(bitrate), '-bufsize', String(bitrate * 2),
      '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0',
      '-force_key_frames', `expr:gte(t,n_forced*${gopSeconds})`,
      '-flags:v', '+global_header',
    );
  } else {
    args.push('-map', '0:a:0');
  }
  args.push('-c:a', 'aac', '-b:a', '128k', '-ar', '48000', '-ac', '2', '-flags:a', '+global_header');
  args.push(...(p.extraOutputArgs ?? []));
  args.push('-f', 'tee', p.outputs.map((o) => o.teeSlave()).join('|'));
  return args;
}
