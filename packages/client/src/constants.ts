// The browser SDK's constants. VideoSDK.Constants (errors, modes, states, reasons) is shared with
// the Node client in @roomkit/protocol/sdkConstants.
export { Constants, hlsEvents, livestreamEvents, meetingStates, modes, recordingEvents } from '@roomkit/protocol/sdkConstants';
export type { HlsState, LivestreamState, MeetingState, RecordingState } from '@roomkit/protocol/sdkConstants';

/** Camera capture size per `maxResolution`: 720p lets Chrome send all three simulcast layers. */
export const CAMERA_RESOLUTION = {
  hd: { width: 1280, height: 720 },
  sd: { width: 640, height: 360 },
} as const;

/** Camera simulcast layers (rid q/h/f); the server's setQuality picks among these rids. */
export const CAMERA_SIMULCAST_ENCODINGS: readonly RTCRtpEncodingParameters[] = [
  { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
  { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
  { rid: 'f', maxBitrate: 1_500_000 },
];

/** Which camera layers stay active for setWebcamQuality(). */
export const ACTIVE_LAYERS = {
  low: ['q'],
  med: ['q', 'h'],
  high: ['q', 'h', 'f'],
} as const;

/** No trickle ICE in this protocol: SDPs go out once gathering is complete, or after this wait. */
export const ICE_GATHERING_TIMEOUT_MS = 2_000;

/** This SDK's version (package.json's; a unit test keeps them equal), named in quality reports. */
export const SDK_VERSION = '0.2.0';
