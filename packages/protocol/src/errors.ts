// Error and leave-reason codes of the public API (shared/API.md); the numbers are a contract.
export const ErrorCode = {
  INVALID_API_KEY: 4001,
  INVALID_TOKEN: 4002,
  INVALID_MEETING_ID: 4003,
  INVALID_PARTICIPANT_ID: 4004,
  DUPLICATE_PARTICIPANT: 4005,
  INVALID_PERMISSIONS: 4008,
  MAX_PARTCIPANT_REACHED: 4009,
  START_RECORDING_FAILED: 4011,
  STOP_RECORDING_FAILED: 4012,
  START_LIVESTREAM_FAILED: 4013,
  STOP_LIVESTREAM_FAILED: 4014,
  INVALID_LIVESTREAM_CONFIG: 4015,
  START_HLS_FAILED: 4016,
  STOP_HLS_FAILED: 4017,
  UNAUTHORIZED_MEETING_ID: 4022,
  UNAUTHORIZED_PARTCIPANT_ID: 4023,
  UNAUTHORIZED_ROLE: 4024,
  UNAUTHORIZED_REQUEST: 4025,
  /** Roomkit addition: a signaling connection sent messages faster than its rate limit. */
  RATE_LIMITED: 4029,
  MEETING_ID_DISABLED: 4052,
  PUBSUB_PUBLISH_FAILED: 4087,
  SOMETHING_WENT_WRONG: 5000,
  RECORDING_FAILED: 5001,
  LIVESTREAM_FAILED: 5002,
  HLS_FAILED: 5003,
  ERROR_GET_VIDEO_MEDIA: 3011,
  ERROR_GET_AUDIO_MEDIA: 3012,
  ERROR_GET_DISPLAY_MEDIA: 3013,
  ERROR_ACTION_PERFORMED_BEFORE_MEETING_JOINED: 3035,
  ERROR_MEETING_MEDIA_CONNECTION_FAILED: 3044,
  ERROR_UNABLE_TO_JOIN_MEETING: 3047,
  ERROR_MEETING_RECONNECTING: 3065,
  ERROR_ACTION_NOT_SUPPORTED_IN_MODE: 3066,
  ERROR_INVALID_MODE: 3067,
  /** Something this SDK or browser cannot do here (no Permissions API, E2EE). VideoSDK's number. */
  ERROR_ACTION_NOT_SUPPORTED: 3068,
  ERROR_PAYLOAD_TOO_LARGE: 3072,
  ERROR_INVALID_PARAMETER: 3073,
  ERROR_OPERATION_TIMED_OUT: 3079,
  ERROR_WEBCAM_NOT_ENABLED: 3062,
  ERROR_CAPTURE_IMAGE_FAILED: 3069,
} as const;
export type ErrorCodeName = keyof typeof ErrorCode;
export type ErrorCodeNumber = (typeof ErrorCode)[ErrorCodeName];

export const LeaveReason = {
  WEBSOCKET_DISCONNECTED: 1001,
  REMOVE_PEER: 1002,
  ROOM_CLOSE: 1006,
  UNKNOWN: 1007,
  MEETING_END_API: 1009,
  REMOVE_PEER_API: 1010,
  DUPLICATE_PARTICIPANT: 1011,
  MANUAL_LEAVE_CALLED: 1101,
} as const;
export type LeaveReasonName = keyof typeof LeaveReason;

const nameByCode = new Map<number, ErrorCodeName>(
  Object.entries(ErrorCode).map(([name, code]) => [code, name as ErrorCodeName]),
);

/** HTTP status for an error code, read from the code's range rather than from its message. */
export function httpStatusOf(code: number): number {
  if (code === ErrorCode.SOMETHING_WENT_WRONG || code >= 5000) return 500;
  if (code === ErrorCode.ERROR_PAYLOAD_TOO_LARGE) return 413;
  if (code === ErrorCode.RATE_LIMITED) return 429;
  if (code === ErrorCode.INVALID_TOKEN || code === ErrorCode.INVALID_API_KEY) return 401;
  if (code >= 4020 && code < 4030) return 403;
  return 400;
}

/** An error with a stable API code, a message a person can act on, and an optional cause. */
export class RoomkitError extends Error {
  readonly code: ErrorCodeNumber;
  readonly codeName: ErrorCodeName;
  constructor(codeName: ErrorCodeName, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RoomkitError';
    this.codeName = codeName;
    this.code = ErrorCode[codeName];
  }
  static fromCode(code: number, message: string): RoomkitError {
    return new RoomkitError(nameByCode.get(code) ?? 'SOMETHING_WENT_WRONG', message);
  }
  toJSON(): { code: number; name: string; message: string } {
    return { code: this.code, name: this.codeName, message: this.message };
  }
}
