// A meeting participant (local or remote): its streams and, for remote ones, setQuality().
import type { Mode, Quality, StreamKind } from '@roomkit/protocol';
import { EventEmitter } from './EventEmitter.js';
import type { Stream } from './Stream.js';

export type ParticipantEvents = {
  'stream-enabled': [stream: Stream];
  'stream-disabled': [stream: Stream];
  'media-status-changed': [info: { kind: StreamKind; newStatus: boolean }];
  'video-quality-changed': [info: { currentQuality: Quality; prevQuality: Quality }];
  'stream-paused': [info: { kind: StreamKind; reason: 'manual' }];
  'stream-resumed': [info: { kind: StreamKind; reason: 'manual' }];
};

export class Participant extends EventEmitter<ParticipantEvents> {
  readonly streams = new Map<string, Stream>();
  micOn = false;
  webcamOn = false;
  quality: Quality = 'high';
  /** The camera quality the server last said it forwards to us (null until it says). */
  receivedQuality: Quality | null = null;

  constructor(
    public id: string,
    public displayName: string,
    readonly local: boolean,
    public mode: Mode,
    public metaData: Record<string, unknown> | null,
    private readonly requestQuality: (p: Participant, quality: Quality) => Promise<void>,
  ) {
    super();
  }

  /** @internal A remote stream's pause()/resume() reached the server. */
  _pauseChanged(kind: StreamKind, paused: boolean): void {
    this.safeEmit(paused ? 'stream-paused' : 'stream-resumed', { kind, reason: 'manual' });
  }

  /** Asks the server for at most this simulcast layer; `video-quality-changed` fires when it switches. */
  async setQuality(quality: Quality): Promise<void> {
    if (this.local) return;
    await this.requestQuality(this, quality);
    this.quality = quality;
  }

  /**
   * @internal The server now forwards this quality of the camera (its bandwidth allocation or our
   * setQuality): `video-quality-changed` follows what is received, not what was asked for.
   */
  _receivedQuality(quality: Quality): void {
    const prevQuality = this.receivedQuality ?? this.quality;
    this.receivedQuality = quality;
    if (prevQuality !== quality) this.safeEmit('video-quality-changed', { currentQuality: quality, prevQuality });
  }

  streamOf(kind: StreamKind): Stream | undefined {
    for (const s of this.streams.values()) if (s.kind === kind) return s;
    return undefined;
  }

  /** @internal */
  _addStream(stream: Stream): void {
    this.streams.set(stream.id, stream);
    this.safeEmit('stream-enabled', stream);
    this.setFlag(stream.kind, true);
  }

  /** @internal */
  _removeStream(streamId: string): void {
    const stream = this.streams.get(streamId);
    if (!stream) return;
    this.streams.delete(streamId);
    this.safeEmit('stream-disabled', stream);
    if (!this.streamOf(stream.kind)) this.setFlag(stream.kind, false);
  }

  private setFlag(kind: StreamKind, on: boolean): void {
    const flag = kind === 'audio' ? 'micOn' : kind === 'video' ? 'webcamOn' : null;
    if (!flag || this[flag] === on) return;
    this[flag] = on;
    this.safeEmit('media-status-changed', { kind, newStatus: on });
  }
}
