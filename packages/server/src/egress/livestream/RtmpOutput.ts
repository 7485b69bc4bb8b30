// One RTMP destination of a livestream as a tee slave: `[f=flv:onfail=ignore]url/key`. With
// onfail=ignore ffmpeg keeps feeding the other destinations when this one refuses or drops; this
// class reads ffmpeg's stderr to learn which one failed and why, and keeps the destination's status.
import { teeEscape } from '../ffmpegArgs.js';
import type { EgressOutput } from '../types.js';

export type DestinationStatus = 'connecting' | 'live' | 'failed' | 'ended';

export interface DestinationState {
  /** The ingest URL without the stream key (safe to log and show). */
  url: string;
  status: DestinationStatus;
  error?: string;
}

/** `rtmp://host/app` + key → `rtmp://host/app/key` (VideoSDK's `{url, streamKey}` convention). */
export function publishUrl(url: string, streamKey: string): string {
  return `${url.replace(/\/+$/, '')}/${streamKey}`;
}

export class RtmpOutput implements EgressOutput {
  readonly name: string;
  readonly state: DestinationState;
  private readonly target: string;

  constructor(
    url: string,
    streamKey: string,
    /** Position among the job's tee slaves: ffmpeg reports failures as "Slave muxer #<index>". */
    private readonly index: number,
    private readonly onChange: (output: RtmpOutput) => void,
    /**
     * `connectUrl`: what ffmpeg opens instead of `url` (a participant's URL with its checked
     * address in place of the host); `redactErrors`: a participant gave the URL, so ffmpeg's
     * socket errors (which tell open from closed ports) are not passed on.
     */
    private readonly opts: { connectUrl?: string; redactErrors?: boolean } = {},
  ) {
    this.name = `rtmp#${index} ${url}`;
    this.target = publishUrl(opts.connectUrl ?? url, streamKey);
    this.state = { url, status: 'connecting' };
  }

  teeSlave(): string {
    // rw_timeout (µs) bounds a destination that accepts TCP but stalls, so it fails instead of
    // blocking the others' writes; tee hands the option to the protocol when it opens the URL.
    return `[f=flv:onfail=ignore:rw_timeout=10000000]${teeEscape(this.target)}`;
  }

  onFfmpegLine(line: string): void {
    if (this.state.status === 'failed') return;
    // "Slave muxer #1 failed: Connection refused, continuing with 1/2 slaves."
    const failed = /Slave muxer #(\d+) failed: (.*?)(?:, continuing with \d+\/\d+ slaves\.?)?$/.exec(line);
    if (failed && Number(failed[1]) === this.index) return this.set('failed', this.opts.redactErrors ? 'the destination refused, dropped or did not answer the stream' : failed[2]);
    // "All tee outputs failed." (ffmpeg exits next; the job's failure is reported by the job)
    if (/All tee outputs failed/.test(line)) return this.set('failed', 'all destinations failed');
    // The output header went out to every slave still alive: this one is streaming.
    if (this.state.status === 'connecting' && /^Output #0, tee/.test(line)) this.set('live');
  }

  /** ffmpeg writes "Output #0" at info level; the job runs at warning, so the first media marks us live. */
  markLiveIfConnecting(): void {
    if (this.state.status === 'connecting') this.set('live');
  }

  async finish(): Promise<void> {
    if (this.state.status !== 'failed') this.set('ended');
  }

  private set(status: DestinationStatus, error?: string): void {
    this.state.status = status;
    if (error !== undefined) this.state.error = error;
    this.onChange(this);
  }
}
