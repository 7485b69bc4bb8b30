// A published stream as the app sees it. Remote streams carry a receiver: `onRtp` hands over every
// verified RTP packet (a recorder's input) and `stats` counts what arrived. Local streams carry the
// synthetic sender's counters instead.
import type { StreamKind } from '@roomkit/protocol';
import { RoomkitError } from '@roomkit/protocol/errors';
import type { LocalStreamStats } from './PublishConnection.js';
import type { ReceiveStats } from './receive/ReceiveStats.js';
import type { RtpListener, StreamReceiver } from './receive/StreamReceiver.js';

/** Asks the server to stop or restart forwarding a remote stream; `applied` runs once it has, before the event. */
export type StreamPauser = (stream: Stream, paused: boolean, applied: () => void) => Promise<void>;

export class Stream {
  /** A remote stream the server does not forward now (pause()). */
  paused = false;

  constructor(
    readonly id: string,
    readonly kind: StreamKind,
    readonly codec: string,
    /** Remote streams: the subscriber PC's m-line carrying it. Local: '' */
    readonly mid: string,
    private readonly receiver: StreamReceiver | null,
    private readonly localStats: (() => LocalStreamStats) | null = null,
    private readonly pauser: StreamPauser | null = null,
  ) {}

  /** Remote stream: the server stops forwarding it (`stream-paused` on its participant). */
  async pause(): Promise<void> {
    await this.setPaused(true);
  }

  /** Undoes pause() (`stream-resumed`). */
  async resume(): Promise<void> {
    await this.setPaused(false);
  }

  private async setPaused(paused: boolean): Promise<void> {
    if (!this.pauser) throw new RoomkitError('ERROR_ACTION_NOT_SUPPORTED_IN_MODE', 'pause()/resume() are for remote streams; a bot stops its own with muteMic()/disableWebcam()');
    if (this.paused === paused) return;
    await this.pauser(this, paused, () => (this.paused = paused));
  }

  /** Live counters of a remote stream (the same object keeps updating). */
  get stats(): ReceiveStats | null {
    return this.receiver?.stats ?? null;
  }

  /** Counters of a local (published) stream. */
  get sendStats(): LocalStreamStats | null {
    return this.localStats?.() ?? null;
  }

  /** Calls `listener` with every RTP packet of this remote stream; returns an unsubscribe function. */
  onRtp(listener: RtpListener): () => void {
    if (!this.receiver) throw new Error('onRtp() is for remote streams');
    return this.receiver.onRtp(listener);
  }

  /** Sends a PLI for this remote video stream. */
  requestKeyframe(): void {
    this.receiver?.requestKeyframe();
  }
}
