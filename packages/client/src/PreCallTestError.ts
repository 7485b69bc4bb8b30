// The error runPreCallTest() rejects with, and that its result carries for a phase that failed.
// Codes are VideoSDK's strings (not numbers): apps switch on them.
export const PRECALL_ERROR_MESSAGES = {
  ERROR_CAMERA_NOT_FOUND: 'No camera found: connect and turn on a camera.',
  ERROR_CAMERA_ACCESS_DENIED_OR_DISMISSED: 'Camera access was denied or dismissed: allow it in the browser settings.',
  ERROR_CAMERA_IN_USE: 'The camera is in use by another application: close it and try again.',
  ERROR_CAMERA_CONSTRAINT_NOT_SATISFIED: 'The camera cannot satisfy the requested constraints (resolution, frame rate, device id).',
  ERROR_WEBCAM_TRACK_ENDED: 'The camera track ended during the test (camera disconnected?).',
  ERROR_VIDEO_SOURCE_INITIATION_FAILED: 'Could not start the camera.',
  ERROR_INVALID_CUSTOM_VIDEO_TRACK: 'videoTrack must be a MediaStream holding a live video track.',
  ERROR_MICROPHONE_NOT_FOUND: 'No microphone found: connect and turn on a microphone.',
  ERROR_MICROPHONE_ACCESS_DENIED_OR_DISMISSED: 'Microphone access was denied or dismissed: allow it in the browser settings.',
  ERROR_MICROPHONE_IN_USE: 'The microphone is in use by another application: close it and try again.',
  ERROR_MICROPHONE_CONSTRAINT_NOT_SATISFIED: 'The microphone cannot satisfy the requested constraints (device id, channels).',
  ERROR_MICROPHONE_TRACK_ENDED: 'The microphone track ended during the test (microphone disconnected?).',
  ERROR_AUDIO_SOURCE_INITIATION_FAILED: 'Could not start the microphone.',
  ERROR_INVALID_CUSTOM_AUDIO_TRACK: 'audioTrack must be a MediaStream holding a live audio track.',
  ERROR_PRECALL_TEST_ALREADY_RUNNING: 'A pre-call test is already running: stop() it before starting another.',
  ERROR_PRECALL_INVALID_CONFIG: 'Invalid runPreCallTest() options.',
  ERROR_PRECALL_INVALID_TOKEN: 'The token is missing, empty, or not accepted by the server.',
  ERROR_PRECALL_MEDIA_CHECK_FAILED: 'Neither the camera nor the microphone could be opened.',
  ERROR_PRECALL_TEST_FAILED: 'The network test could not reach the Roomkit server.',
} as const;
export type PreCallTestErrorCode = keyof typeof PRECALL_ERROR_MESSAGES;

export class PreCallTestError extends Error {
  readonly code: PreCallTestErrorCode;

  /** `detail` is appended to the standard message (what exactly was wrong). */
  constructor(code: PreCallTestErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(detail ? `${PRECALL_ERROR_MESSAGES[code]} ${detail}` : PRECALL_ERROR_MESSAGES[code], options);
    this.name = 'PreCallTestError';
    this.code = code;
  }

  toJSON(): { code: PreCallTestErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}
