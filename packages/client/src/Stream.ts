// One published media track, local or remote, as apps see it in `participant.streams`.
// A remote stream is paused on the server while any reason holds: the app's pause(), its
// renderVideo() elements all being off-screen, or the page being hidden (AdaptiveSubscription).
import type { StreamKind } from '@roomkit/protocol';
import { EventEmitter } from '@roomkit/client-core';
import { RoomkitError } from './protocolRuntime.js';

/**
 * `state` (remote video and screen share, as VideoSDK): 'active' when the stream starts being
 * received, 'ended' when it goes. Roomkit does not detect freezes ('stuck', 'freeze-detected').
 */
export type StreamEvents = {
  state: [info: { state: 'active' | 'ended'; timestamp: number }];
};

/**
 * Why a remote stream is not being received; sent with `stream-paused` / `stream-resumed`.
 * `not-consumed`: autoConsume is false and the app has not called consume*Streams() for it.
 */
export type PauseReason = 'manual' | 'offscreen' | 'page-hidden' | 'not-consumed';

/** How a remote stream asks the server to stop or restart sending it. */
export interface StreamPauser {
  /** Asks the server to stop or restart forwarding `stream`. */
  setPaused(stream: Stream, paused: boolean): Promise<void>;
  /** The server has it: `stream.paused` is updated; announce it (stream-paused / stream-resumed). */
  changed(stream: Stream, reason: PauseReason): void;
}

export class Stream extends EventEmitter<StreamEvents> {
  /** True while nothing is received (remote) or sent (local) for this stream. */
  paused = false;
  /** Screen share: what was shared ('monitor' | 'window' | 'browser'), from the track's settings. */
  get displaySurface(): string | undefined {
    return this.kind === 'share' ? (this.track.getSettings?.() as { displaySurface?: string } | undefined)?.displaySurface : undefined;
  }
  private readonly reasons = new Set<PauseReason>();
  /** One server request at a time; later changes wait and are folded into the next request. */
  private syncing: Promise<void> = Promise.resolve();

  constructor(
    readonly id: string,
    readonly kind: StreamKind,
    public codec: string,
    public track: MediaStreamTrack,
    private readonly pauser: StreamPauser | null = null,
  ) {
    super();
  }

  /** Only `state` exists on a Stream; another name is 3073, as in js-sdk 1.1. */
  override on<E extends keyof StreamEvents>(event: E, listener: (...args: StreamEvents[E]) => void): this {
    return super.on(Stream.checkEvent(event), listener);
  }
  override off<E extends keyof StreamEvents>(event: E, listener: (...args: StreamEvents[E]) => void): this {
    return super.off(Stream.checkEvent(event), listener);
  }

  private static checkEvent<E>(event: E): E {
    if (event !== 'state') throw new RoomkitError('ERROR_INVALID_PARAMETER', `stream.on()/off(): unknown event '${String(event)}'; a Stream has only 'state'`);
    return event;
  }

  /** @internal Announces `state` for a remote video or screen share. */
  _state(state: 'active' | 'ended'): void {
    if (this.pauser && (this.kind === 'video' || this.kind === 'share')) this.safeEmit('state', { state, timestamp: Date.now() });
  }

  /**
   * Remote stream: the server stops forwarding it (saves the bandwidth; `stream-paused` fires).
   * Local stream: the track stops sending locally.
   */
  async pause(): Promise<void> {
    if (!this.pauser) {
      this.track.enabled = false;
      this.paused = true;
      return;
    }
    await this._setPauseReason('manual', true);
  }

  /** Undoes pause(). A remote stream stays paused while its renderVideo() elements are off-screen or the page is hidden. */
  async resume(): Promise<void> {
    if (!this.pauser) {
      this.track.enabled = true;
      this.paused = false;
      return;
    }
    await this._setPauseReason('manual', false);
  }

  /** Reasons currently holding this stream paused (empty when it flows). */
  get pauseReasons(): PauseReason[] {
    return [...this.reasons];
  }

  /** @internal Adds or removes one pause reason; resolves once the server has the resulting state. */
  _setPauseReason(reason: PauseReason, on: boolean): Promise<void> {
    if (!this.pauser || this.reasons.has(reason) === on) return this.syncing;
    if (on) this.reasons.add(reason);
    else this.reasons.delete(reason);
    const run = this.syncing
      .then(() => this.sync(reason))
      .catch((err: unknown) => {
        // The server never had it: forget the change, so calling again retries.
        if (on) this.reasons.delete(reason);
        else this.reasons.add(reason);
        throw err;
      });
    // Later callers wait for this one, but must not inherit its failure.
    this.syncing = run.catch(() => {});
    return run;
  }

  private async sync(reason: PauseReason): Promise<void> {
    const want = this.reasons.size > 0;
    if (want === this.paused) return;
    await this.pauser!.setPaused(this, want);
    this.paused = want;
    this.pauser!.changed(this, reason);
  }
}
