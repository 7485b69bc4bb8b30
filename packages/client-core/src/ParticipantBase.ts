// What every platform's Participant shares: identity, mode, its streams and the mic/camera/share
// flags they imply, the received camera quality, and the pin state. The core's bookkeeping drives
// it through the `_`-prefixed methods, which emit the matching events; the platform subclass adds
// media (tracks and renderers in the browser, RTP receivers in Node).
import type { Mode, Quality, StreamKind } from '@roomkit/protocol';
import { EventEmitter, type EventMap } from './EventEmitter.js';
import type { ModerationAction } from './Moderation.js';
import { RoomkitError } from './protocolRuntime.js';

export type PinType = 'SHARE_AND_CAM' | 'CAM' | 'SHARE';

export interface PinState {
  cam: boolean;
  share: boolean;
}

/** What the core needs of a stream. */
export interface StreamLike {
  readonly id: string;
  readonly kind: StreamKind;
}

/** The events ParticipantBase emits; a platform's event map extends these. */
export type ParticipantBaseEvents<S extends StreamLike> = {
  'stream-enabled': [stream: S];
  'stream-disabled': [stream: S];
  'media-status-changed': [info: { kind: StreamKind; newStatus: boolean }];
  'video-quality-changed': [info: { currentQuality: Quality; prevQuality: Quality }];
};

const FLAG_OF: Record<StreamKind, 'micOn' | 'webcamOn' | 'screenShareOn' | 'screenShareAudioOn'> = {
  audio: 'micOn',
  video: 'webcamOn',
  share: 'screenShareOn',
  shareAudio: 'screenShareAudioOn',
};

type Emit = (event: string, ...args: unknown[]) => void;

/** What a participant asks of its meeting (MeetingCore implements these). */
export interface ParticipantCoreHost<P> {
  requestQuality(participant: P, quality: Quality): Promise<void>;
  /** pin()/unpin(): meeting-wide through the server once joined, local before. */
  setPin(participant: P, type: PinType, pinned: boolean): void;
  moderate(participant: P, action: ModerationAction): Promise<void>;
}

export class ParticipantBase<S extends StreamLike, Events extends EventMap & ParticipantBaseEvents<S>> extends EventEmitter<Events> {
  readonly streams = new Map<string, S>();
  micOn = false;
  webcamOn = false;
  screenShareOn = false;
  screenShareAudioOn = false;
  quality: Quality = 'high';
  /** The camera quality the server last said it forwards to us (null until it says). */
  receivedQuality: Quality | null = null;
  pinState: PinState = { cam: false, share: false };

  constructor(
    public id: string,
    public displayName: string,
    readonly local: boolean,
    public mode: Mode,
    public metaData: Record<string, unknown> | null,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    private readonly coreHost: ParticipantCoreHost<any>,
  ) {
    super();
  }

  /**
   * Asks the server for at most this simulcast layer of the camera; `video-quality-changed` fires
   * when the server actually switches (it may also go lower when our downlink is short).
   */
  async setQuality(quality: Quality): Promise<void> {
    if (this.local) return;
    await this.coreHost.requestQuality(this, quality);
    this.quality = quality;
  }

  /**
   * @internal The server now forwards this quality of the camera (its bandwidth allocation or our
   * setQuality): `video-quality-changed` follows what is received, not what was asked for.
   */
  _receivedQuality(quality: Quality): void {
    const prevQuality = this.receivedQuality ?? this.quality;
    this.receivedQuality = quality;
    if (prevQuality !== quality) this.emitBase('video-quality-changed', { currentQuality: quality, prevQuality });
  }

  pin(type: PinType = 'SHARE_AND_CAM'): void {
    this.coreHost.setPin(this, type, true);
  }

  unpin(type: PinType = 'SHARE_AND_CAM'): void {
    this.coreHost.setPin(this, type, false);
  }

  // Moderation of a remote participant (needs allow_mod).
  remove(): Promise<void> {
    return this.moderation('remove');
  }
  enableMic(): Promise<void> {
    return this.moderation('enableMic');
  }
  disableMic(): Promise<void> {
    return this.moderation('disableMic');
  }
  enableWebcam(): Promise<void> {
    return this.moderation('enableWebcam');
  }
  disableWebcam(): Promise<void> {
    return this.moderation('disableWebcam');
  }

  /** The stream of `kind` this participant currently has, if any. */
  streamOf(kind: StreamKind): S | undefined {
    for (const s of this.streams.values()) if (s.kind === kind) return s;
    return undefined;
  }

  /** @internal Adds (or replaces) a stream and emits stream-enabled / media-status-changed. */
  _addStream(stream: S): void {
    this.streams.set(stream.id, stream);
    this.emitBase('stream-enabled', stream);
    this._setMediaStatus(stream.kind, true);
  }

  /**
   * @internal Removes a stream and emits stream-disabled / media-status-changed; `stillPublished`
   * (stopConsuming*): the participant still sends it, so its mic/camera flag stays on.
   */
  _removeStream(streamId: string, stillPublished = false): S | undefined {
    const stream = this.streams.get(streamId);
    if (!stream) return undefined;
    this.streams.delete(streamId);
    this.emitBase('stream-disabled', stream);
    // Another stream of the same kind may still be there (a replacement that arrived first).
    if (!stillPublished && !this.streamOf(stream.kind)) this._setMediaStatus(stream.kind, false);
    return stream;
  }

  /** @internal Updates micOn/webcamOn/screenShareOn, emitting media-status-changed on a change. */
  _setMediaStatus(kind: StreamKind, on: boolean): void {
    const flag = FLAG_OF[kind];
    if (this[flag] === on) return;
    this[flag] = on;
    this.emitBase('media-status-changed', { kind, newStatus: on });
  }

  /** @internal The pin state now in force; false if it did not change. */
  _applyPinState(state: PinState): boolean {
    if (state.cam === this.pinState.cam && state.share === this.pinState.share) return false;
    this.pinState = { cam: state.cam, share: state.share };
    return true;
  }

  private moderation(action: ModerationAction): Promise<void> {
    if (this.local) {
      return Promise.reject(
        new RoomkitError('ERROR_INVALID_PARAMETER', `participant.${action}() is for remote participants; use the meeting's methods for yourself`),
      );
    }
    return this.coreHost.moderate(this, action);
  }

  /** The base events, whose argument types a subclass's map only repeats. */
  private emitBase<E extends keyof ParticipantBaseEvents<S>>(event: E, ...args: ParticipantBaseEvents<S>[E]): void {
    (this.safeEmit as Emit)(event, ...args);
  }
}
