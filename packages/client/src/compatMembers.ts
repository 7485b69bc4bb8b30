// js-sdk 1.1.1 members of Meeting, Participant and Stream that the core classes do not define:
// derived read-only values where Roomkit has the data, and for features Roomkit lacks, methods
// that reject with ERROR_ACTION_NOT_SUPPORTED (3068) saying why (never a silent no-op, never
// "is not a function"). Installed once on the prototypes; a member the class itself defines wins.
import { CameraDeviceInfo } from './CameraDeviceInfo.js';
import { Meeting } from './Meeting.js';
import { MicrophoneDeviceInfo } from './MicrophoneDeviceInfo.js';
import { Participant } from './Participant.js';
import { RoomkitError } from './protocolRuntime.js';
import { Stream } from './Stream.js';

declare module './Meeting.js' {
  interface Meeting {
    /** Always false: Roomkit has no end-to-end encryption (initMeeting refuses a key provider). */
    readonly isE2EEEnabled: boolean;
    /** The camera the local webcam stream captures from (from its track), else null. */
    readonly selectedCameraDevice: CameraDeviceInfo | null;
    readonly selectedMicrophoneDevice: MicrophoneDeviceInfo | null;
    startTranscription(options?: object): Promise<void>;
    stopTranscription(): Promise<void>;
    enableAdaptiveSubscription(): Promise<void>;
    disableAdaptiveSubscription(): Promise<void>;
    switchTo(options: { meetingId: string; token?: string }): Promise<void>;
    requestMediaRelay(options: { destinationMeetingId: string; token?: string; kinds?: string[] }): Promise<void>;
    stopMediaRelay(destinationMeetingId: string): Promise<void>;
    replaceWebcamStream(stream: MediaStream): Promise<void>;
    startWhiteboard(): Promise<void>;
    stopWhiteboard(): Promise<void>;
    uploadBase64File(options: { base64Data: string; token: string; fileName: string }): Promise<string | null>;
    fetchBase64File(options: { url: string; token: string }): Promise<string | null>;
  }
}
declare module './Participant.js' {
  interface Participant {
    /** True while the participant shares screen audio (a `shareAudio` stream). */
    readonly screenShareAudioOn: boolean;
    setScreenShareQuality(quality: 'low' | 'med' | 'high'): Promise<void>;
    getShareAudioStats(): Promise<never>;
    getTransportStats(): Promise<never>;
    /** A JPEG of the participant's current camera frame, base64 without a `data:` prefix; null when the camera is off. */
    captureImage(options?: { width?: number; height?: number }): Promise<string | null>;
  }
}
declare module './Stream.js' {
  interface Stream {
    /** For a local screen share: what was shared ('monitor' | 'window' | 'browser'), from the track. */
    readonly displaySurface: string | undefined;
    /** 'state' only: `{state: 'ended', timestamp}` when the track ends. */
    on(event: 'state', listener: (data: { state: string; timestamp: number }) => void): void;
    off(event: 'state', listener: (data: { state: string; timestamp: number }) => void): void;
  }
}

/** What each unsupported method rejects with: why Roomkit cannot do it. */
export const UNSUPPORTED = {
  Meeting: {
    startTranscription: 'Roomkit has no speech-to-text service',
    stopTranscription: 'Roomkit has no speech-to-text service',
    disableAdaptiveSubscription: "Roomkit's adaptive subscription (pausing video nobody sees, layers by element size) is always on; pass pauseVideoInBackground: false to keep background video",
    switchTo: 'Roomkit cannot move a participant between rooms: leave() and join a new meeting',
    requestMediaRelay: 'Roomkit does not relay media between rooms',
    stopMediaRelay: 'Roomkit does not relay media between rooms',
    startWhiteboard: 'Roomkit has no whiteboard service',
    stopWhiteboard: 'Roomkit has no whiteboard service',
    uploadBase64File: 'Roomkit stores no app files: upload them to your own backend',
    fetchBase64File: 'Roomkit stores no app files: fetch them from your own backend',
  },
  Participant: {
    setScreenShareQuality: 'Roomkit sends screen share as one layer: there is no quality to choose',
    getShareAudioStats: 'Roomkit reports stats for audio, video and share streams only (getAudioStats, getVideoStats, getShareStats)',
    getTransportStats: 'Roomkit reports per-stream stats only (getAudioStats, getVideoStats, getShareStats)',
  },
} as const;

function rejecting(className: string, name: string, why: string) {
  return function notSupported(): Promise<never> {
    return Promise.reject(new RoomkitError('ERROR_ACTION_NOT_SUPPORTED', `${className}.${name}() is not supported: ${why}`));
  };
}

function define(proto: object, name: string, descriptor: PropertyDescriptor): void {
  if (name in proto) return;
  Object.defineProperty(proto, name, { configurable: true, ...descriptor });
}

function installMeeting(): void {
  const proto = Meeting.prototype;
  for (const [name, why] of Object.entries(UNSUPPORTED.Meeting)) define(proto, name, { value: rejecting('meeting', name, why), writable: true });
  define(proto, 'isE2EEEnabled', { get: () => false });
  const localTrack = (m: Meeting, kind: 'audio' | 'video') => [...m.localParticipant.streams.values()].find((s) => s.kind === kind)?.track;
  define(proto, 'selectedCameraDevice', {
    get(this: Meeting) {
      const t = localTrack(this, 'video');
      const s = t?.getSettings();
      return t && s?.deviceId ? new CameraDeviceInfo(s.deviceId, s.groupId ?? '', 'videoinput', t.label) : null;
    },
  });
  define(proto, 'selectedMicrophoneDevice', {
    get(this: Meeting) {
      const t = localTrack(this, 'audio');
      const s = t?.getSettings();
      return t && s?.deviceId ? new MicrophoneDeviceInfo(s.deviceId, s.groupId ?? '', 'audioinput', t.label) : null;
    },
  });
  // Already on: there is nothing to enable.
  define(proto, 'enableAdaptiveSubscription', { value: async function enableAdaptiveSubscription() {}, writable: true });
  define(proto, 'replaceWebcamStream', {
    writable: true,
    // A new webcam stream replaces the old one (stream-disabled, then stream-enabled with a new id).
    value: async function replaceWebcamStream(this: Meeting, stream: MediaStream) {
      if (typeof MediaStream === 'undefined' || !(stream instanceof MediaStream) || stream.getVideoTracks().length === 0) {
        throw new RoomkitError('ERROR_INVALID_PARAMETER', 'replaceWebcamStream(stream): pass a MediaStream with a video track');
      }
      await this.disableWebcam();
      await this.enableWebcam(stream);
    },
  });
}

function installParticipant(): void {
  const proto = Participant.prototype;
  for (const [name, why] of Object.entries(UNSUPPORTED.Participant)) define(proto, name, { value: rejecting('participant', name, why), writable: true });
  define(proto, 'screenShareAudioOn', {
    get(this: Participant) {
      return [...this.streams.values()].some((s) => s.kind === 'shareAudio');
    },
  });
  define(proto, 'captureImage', {
    writable: true,
    value: async function captureImage(this: Participant, options: { width?: number; height?: number } = {}): Promise<string | null> {
      const track = [...this.streams.values()].find((s) => s.kind === 'video')?.track;
      if (!track || track.readyState !== 'live') return null;
      try {
        return await grabJpeg(track, options);
      } catch (err) {
        throw new RoomkitError('ERROR_ACTION_NOT_SUPPORTED', `captureImage(): could not read a frame (${String(err)})`, { cause: err });
      }
    },
  });
}

/** Draws the track's current frame into a canvas (keeping the aspect when one side is given). */
async function grabJpeg(track: MediaStreamTrack, options: { width?: number; height?: number }): Promise<string> {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([track]);
  try {
    await video.play();
    if (video.videoWidth === 0) await new Promise((r) => video.addEventListener('resize', r, { once: true }));
    const w0 = video.videoWidth;
    const h0 = video.videoHeight;
    const width = options.width ?? (options.height ? Math.round((options.height * w0) / h0) : w0);
    const height = options.height ?? (options.width ? Math.round((options.width * h0) / w0) : h0);
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    canvas.getContext('2d')!.drawImage(video, 0, 0, width, height);
    return canvas.toDataURL('image/jpeg', 0.9).replace(/^data:image\/jpeg;base64,/, '');
  } finally {
    video.pause();
    video.srcObject = null;
  }
}

type StateListener = (data: { state: string; timestamp: number }) => void;
const stateListeners = new WeakMap<Stream, Map<StateListener, () => void>>();

function installStream(): void {
  const proto = Stream.prototype;
  define(proto, 'displaySurface', {
    get(this: Stream) {
      return this.kind === 'share' ? (this.track.getSettings() as { displaySurface?: string }).displaySurface : undefined;
    },
  });
  const check = (event: unknown, listener: unknown, method: string) => {
    if (event !== 'state') throw new RoomkitError('ERROR_INVALID_PARAMETER', `stream.${method}(): unknown event '${String(event)}': streams only emit 'state'`);
    if (typeof listener !== 'function') throw new RoomkitError('ERROR_INVALID_PARAMETER', `stream.${method}('state', listener): listener must be a function`);
  };
  define(proto, 'on', {
    writable: true,
    value: function on(this: Stream, event: 'state', listener: StateListener) {
      check(event, listener, 'on');
      let map = stateListeners.get(this);
      if (!map) stateListeners.set(this, (map = new Map()));
      if (map.has(listener)) return;
      const track = this.track;
      const onEnded = () => listener({ state: 'ended', timestamp: Date.now() });
      track.addEventListener('ended', onEnded);
      map.set(listener, () => track.removeEventListener('ended', onEnded));
    },
  });
  define(proto, 'off', {
    writable: true,
    value: function off(this: Stream, event: 'state', listener: StateListener) {
      check(event, listener, 'off');
      const map = stateListeners.get(this);
      map?.get(listener)?.();
      map?.delete(listener);
    },
  });
}

installMeeting();
installParticipant();
installStream();
