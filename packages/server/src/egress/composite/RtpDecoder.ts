// One ffmpeg decoding one plain-RTP stream from an SFU tap into raw media on its stdout: I420
// frames of a fixed size (a tile of the composite, scaled and labelled by ffmpeg) or s16le stereo
// 48 kHz PCM. It owns the process and its UDP port pair; the compositor owns what it outputs.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from 'pino';
import { watchFfmpeg, type FfmpegWatch } from '../ffmpegWatch.js';
import { filterValue as filterPath } from './avatar.js';
import { allocatePortPair, buildSdp, portsBound, releasePortPair } from '../participant/rtpInput.js';

const LISTEN_TIMEOUT_MS = 5_000;
const EXIT_MS = 2_000;

export interface VideoOutput {
  kind: 'video';
  width: number;
  height: number;
  /** cover: crop to fill the tile (cameras); contain: letterbox (screen shares). */
  fit: 'cover' | 'contain';
  /** 0xRRGGBB of the letterbox bars. */
  background: string;
  /** A text file holding the tile's label (drawn bottom left), and the font to draw it with. */
  label?: { textFile: string; fontFile: string };
}

export interface AudioOutput {
  kind: 'audio';
}


export function decoderArgs(output: VideoOutput | AudioOutput): string[] {
  const args = [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    '-protocol_whitelist', 'pipe,udp,rtp',
    // No probing: the SDP says the codec, and the scaler sets itself up on the first frame. Probing
    // held the first frame back ~0.6 s; `-fflags nobuffer` lost packets (decode errors until the next keyframe).
    '-analyzeduration', '0', '-probesize', '32',
    '-max_delay', '100000', '-reorder_queue_size', '50',
    '-f', 'sdp', '-i', 'pipe:0',
  ];
  if (output.kind === 'audio') {
    args.push('-map', '0:a:0', '-f', 's16le', '-ar', '48000', '-ac', '2', '-flush_packets', '1', 'pipe:1');
    return args;
  }
  const { width: w, height: h } = output;
  const fit = output.fit === 'cover'
    ? `scale=${w}:${h}:force_original_aspect_ratio=increase,crop=${w}:${h}`
    : `scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:color=${output.background}`;
  const filters = [fit, 'setsar=1'];
  if (output.label) {
    const size = Math.max(12, Math.round(Math.min(w, h) / 18));
    filters.push(
      `drawtext=fontfile=${filterPath(output.label.fontFile)}:textfile=${filterPath(output.label.textFile)}:expansion=none:fontsize=${size}:fontcolor=white:` +
        `box=1:boxcolor=black@0.5:boxborderw=6:x=12:y=h-th-12`,
    );
  }
  filters.push('format=yuv420p');
  args.push('-map', '0:v:0', '-vf', filters.join(','), '-fps_mode', 'passthrough', '-f', 'rawvideo', '-flush_packets', '1', 'pipe:1');
  return args;
}

export class RtpDecoder {
  port = 0;
  private ffmpeg: ChildProcess | null = null;
  private watch: FfmpegWatch | null = null;
  private stopping = false;
  private exited = false;

  constructor(
    readonly name: string,
    private readonly output: VideoOutput | AudioOutput,
    private readonly ffmpegPath: string,
    private readonly log: Logger,
    /** Raw output as it comes (chunks of any size). */
    private readonly onData: (chunk: Buffer) => void,
    /** ffmpeg died on its own (not through stop()). */
    private readonly onDeath: (message: string) => void,
  ) {}

  get pid(): number | undefined {
    return this.ffmpeg?.pid;
  }

  /** Starts ffmpeg and resolves once it listens on its RTP port. */
  async start(): Promise<void> {
    this.port = await allocatePortPair();
    const ff = spawn('setpriv', ['--pdeathsig', 'KILL', '--', this.ffmpegPath, ...decoderArgs(this.output)], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.ffmpeg = ff;
    ff.stdin!.on('error', () => {});
    ff.stdin!.end(buildSdp([{ kind: this.output.kind, port: this.port }]));
    ff.stdout!.on('data', this.onData);
    this.watch = watchFfmpeg(ff, () => {}, (message) => {
      this.exited = true;
      if (!this.stopping) this.onDeath(message);
    });
    const deadline = Date.now() + LISTEN_TIMEOUT_MS;
    while (!(await portsBound([this.port]))) {
      if (this.exited) throw new Error(`the ${this.name} decoder did not start: ${this.watch.tail() || 'exited'}`);
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`the ${this.name} decoder did not listen on its RTP port within ${LISTEN_TIMEOUT_MS / 1000} s`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    this.log.debug({ decoder: this.name, port: this.port }, 'decoder listening');
  }

  /** Ends ffmpeg (nothing of its output is needed any more) and frees its ports. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const ff = this.ffmpeg;
    if (ff && !this.exited && ff.exitCode === null && ff.signalCode === null) {
      ff.stdout!.off('data', this.onData);
      ff.kill('SIGTERM');
      const timer = setTimeout(() => ff.kill('SIGKILL'), EXIT_MS);
      await this.watch?.exited;
      clearTimeout(timer);
    }
    if (this.port) releasePortPair(this.port);
  }
}
