// One participant's microphone or screen-share audio for the composite mix: an RtpDecoder turning
// the SFU tap's Opus into s16le stereo 48 kHz PCM, buffered in a PcmSource the mixer pulls from.
import type { Logger } from 'pino';
import { PcmSource } from './AudioMixer.js';
import { RtpDecoder } from './RtpDecoder.js';

export class AudioFeed {
  readonly source = new PcmSource();
  private readonly decoder: RtpDecoder;

  constructor(
    readonly name: string,
    ffmpegPath: string,
    log: Logger,
    onDeath: (message: string) => void,
  ) {
    this.decoder = new RtpDecoder(name, { kind: 'audio' }, ffmpegPath, log, (chunk) => this.source.push(chunk), onDeath);
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
}
