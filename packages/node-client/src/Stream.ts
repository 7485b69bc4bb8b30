// A published stream as the app sees it. Remote streams carry a receiver: `onRtp` hands over every
// verified RTP packet (a recorder's input) and `stats` counts what arrived. Local streams carry the
// synthetic sender's counters instead.
import type { StreamKind } from '@roomkit/protocol';
import type { LocalStreamStats } from './PublishConnection.js';
import type { ReceiveStats } from './receive/ReceiveStats.js';
import type { RtpListener, StreamReceiver } from './receive/StreamReceiver.js';

export class Stream {
  constructor(
    readonly id: string,
    readonly kind: StreamKind,
    readonly codec: string,
    /** Remote streams: the subscriber PC's m-line carrying it. Local: '' */
    readonly mid: string,
    private readonly receiver: StreamReceiver | null,
    private readonly localStats: (() => LocalStreamStats) | null = null,
  ) {}

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
