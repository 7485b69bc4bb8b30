// One participant's camera or screen share as a composite tile sees it: an RtpDecoder turning the
// SFU tap's RTP into I420 frames of exactly the tile's size, assembled from ffmpeg's stdout into
// two preallocated frames (one complete, one filling), so drawing never allocates or tears.
import type { Logger } from 'pino';
import { I420Frame } from './I420Canvas.js';
import { RtpDecoder, type VideoOutput } from './RtpDecoder.js';

export class VideoFeed {
  /** The last complete frame, or null before the first one. */
  latest: I420Frame | null = null;
  frames = 0;
  private filling: I420Frame;
  private spare: I420Frame;
  private filled = 0;
  private readonly decoder: RtpDecoder;

  constructor(
    readonly name: string,
    readonly output: VideoOutput,
    ffmpegPath: string,
    log: Logger,
    onDeath: (message: string) => void,
  ) {
    this.filling = new I420Frame(output.width, output.height);
    this.spare = new I420Frame(output.width, output.height);
    this.decoder = new RtpDecoder(name, output, ffmpegPath, log, (chunk) => this.onData(chunk), onDeath);
  }

  get width(): number {
    return this.output.width;
  }

  get height(): number {
    return this.output.height;
  }

  get port(): number {
    return this.decoder.port;
  }

  get pid(): number | undefined {
    return this.decoder.pid;
  }

  start(): Promise<void> {
    return this.decoder.start();
  }

  stop(): Promise<void> {
    return this.decoder.stop();
  }

  private onData(chunk: Buffer): void {
    let offset = 0;
    const size = this.filling.data.length;
    while (offset < chunk.length) {
      const n = Math.min(size - this.filled, chunk.length - offset);
      chunk.copy(this.filling.data, this.filled, offset, offset + n);
      this.filled += n;
      offset += n;
      if (this.filled === size) {
        const done = this.filling;
        this.filling = this.latest === null ? this.spare : this.latest;
        this.latest = done;
        this.filled = 0;
        this.frames++;
      }
    }
  }
}
