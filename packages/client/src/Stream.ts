// One published media track, local or remote, as apps see it in `participant.streams`.
import type { StreamKind } from '@roomkit/protocol';

export class Stream {
  paused = false;

  constructor(
    readonly id: string,
    readonly kind: StreamKind,
    public codec: string,
    public track: MediaStreamTrack,
  ) {}

  /** Stops rendering/sending this track locally (the server keeps forwarding for now). */
  pause(): void {
    this.track.enabled = false;
    this.paused = true;
  }

  resume(): void {
    this.track.enabled = true;
    this.paused = false;
  }
}
