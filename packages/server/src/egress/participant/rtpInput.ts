// The recorder side of plain-RTP taps: free UDP port pairs on this host, the SDP ffmpeg reads
// them with, a check that ffmpeg is listening, and ffmpeg's command line (VP8/Opus in, H.264/AAC
// fragmented MP4 out).
import { createSocket } from 'node:dgram';

/** What the SFU's taps send: the subscriber payload types (see media/SubscriberTransport). */
export const TAP_VIDEO_PT = 96;
export const TAP_AUDIO_PT = 111;

export interface RtpInputStream {
  kind: 'audio' | 'video';
  /** ffmpeg's RTP port (it also binds port + 1 for RTCP). */
  port: number;
}

export function buildSdp(streams: RtpInputStream[]): string {
  const lines = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=roomkit tap', 'c=IN IP4 127.0.0.1', 't=0 0'];
  for (const s of streams) {
    if (s.kind === 'audio') lines.push(`m=audio ${s.port} RTP/AVP ${TAP_AUDIO_PT}`, `a=rtpmap:${TAP_AUDIO_PT} opus/48000/2`, 'a=recvonly');
    else lines.push(`m=video ${s.port} RTP/AVP ${TAP_VIDEO_PT}`, `a=rtpmap:${TAP_VIDEO_PT} VP8/90000`, 'a=recvonly');
  }
  return `${lines.join('\r\n')}\r\n`;
}

export interface RtpFfmpegParams {
  streams: RtpInputStream[];
  /** Output frame size (letterboxed into it); ignored without video. */
  width: number;
  height: number;
  videoBitrate: number;
  outputPath: string;
}

/**
 * The SDP comes on stdin. Video: scaled into a fixed frame (simulcast layer switches change the
 * input size; the encoder cannot), constant 30 fps so a paused camera holds its last frame,
 * libx264 with a keyframe every 2 s. Audio: gaps filled with silence. Output: fragmented MP4,
 * flushed at every fragment, so a killed server leaves a file playable up to the last second or two.
 */
export function buildRtpFfmpegArgs(p: RtpFfmpegParams): string[] {
  const hasVideo = p.streams.some((s) => s.kind === 'video');
  const hasAudio = p.streams.some((s) => s.kind === 'audio');
  const args = [
    '-hide_banner', '-nostdin', '-loglevel', 'warning',
    '-protocol_whitelist', 'pipe,udp,rtp',
    '-analyzeduration', '4000000', '-probesize', '5000000',
    '-reorder_queue_size', '200',
    '-f', 'sdp', '-i', 'pipe:0',
  ];
  if (hasVideo) {
    const { width: w, height: h } = p;
    args.push(
      '-map', '0:v:0',
      '-vf', `scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2,setsar=1,format=yuv420p`,
      '-fps_mode', 'cfr', '-r', '30',
      '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency',
      '-b:v', String(p.videoBitrate), '-maxrate', String(p.videoBitrate), '-bufsize', String(p.videoBitrate * 2),
      '-g', '60', '-keyint_min', '60', '-sc_threshold', '0', '-force_key_frames', 'expr:gte(t,n_forced*2)',
    );
  }
  if (hasAudio) args.push('-map', '0:a:0', '-af', 'aresample=async=1000', '-c:a', 'aac', '-b:a', '128k', '-ar', '48000', '-ac', '2');
  args.push(
    '-f', 'mp4', '-flush_packets', '1',
    '-movflags', '+frag_keyframe+empty_moov+default_base_moof', '-frag_duration', '1000000',
    '-y', p.outputPath,
  );
  return args;
}

const reserved = new Set<number>();

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind({ port, address: '0.0.0.0', exclusive: true }, () => socket.close(() => resolve(true)));
  });
}

/** An even port p with p and p + 1 free now (RTP + RTCP), held back from other jobs until released. */
export async function allocatePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 64; attempt++) {
    const port = 20000 + 2 * Math.floor(Math.random() * 6000);
    if (reserved.has(port)) continue;
    reserved.add(port);
    if ((await canBind(port)) && (await canBind(port + 1))) return port;
    reserved.delete(port);
  }
  throw new Error('no free UDP port pair for the recorder');
}

export function releasePortPair(port: number): void {
  reserved.delete(port);
}

/** True once something (ffmpeg) has bound every port. */
export async function portsBound(ports: number[]): Promise<boolean> {
  for (const port of ports) if (await canBind(port)) return false;
  return true;
}
