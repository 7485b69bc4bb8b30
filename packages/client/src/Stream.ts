// One published media track, local or remote, as apps see it in `participant.streams`.
import type { StreamKind } from '@roomkit/protocol';

/** How a remote stream asks the server to stop or restart sending it. */
export interface StreamPauser {
  setPaused(stream: Stream, paused: boolean): Promise<void>;
}

export class Stream {
  paused = false;

  constructor(
    readonly id: string,
    readonly kind: StreamKind,
    public codec: string,
    public track: MediaStreamTrack,
    private readonly pauser: StreamPauser | null = null,
  ) {}

  /**
   * Remote stream: the server stops forwarding it (saves the bandwidth; `stream-paused` fires).
   * Local stream: the track stops sending locally.
   */
  async pause(): Promise<void> {
    if (this.paused) return;
    if (this.pauser) await this.pauser.setPaused(this, true);
    else this.track.enabled = false;
    this.paused = true;
  }

  async resume(): Promise<void> {
    if (!this.paused) return;
    if (this.pauser) await this.pauser.setPaused(this, false);
    else this.track.enabled = true;
    this.paused = false;
  }
}
