// The runtime values the SDK takes from @roomkit/protocol, through its zod-free subpath exports:
// the package index also evaluates the zod schemas, and zod must stay out of the browser bundle.
export { ErrorCode, LeaveReason, RoomkitError } from '@roomkit/protocol/errors';
export type { ErrorCodeName, ErrorCodeNumber, LeaveReasonName } from '@roomkit/protocol/errors';
export { CLOSE_CODE_RECONNECTING, SIGNALING_PATH } from '@roomkit/protocol/constants';
export { validateRtmpOutputs } from '@roomkit/protocol/livestream';
export { RealtimeStore, checkReliability, decodeDataPayload, encodeDataPayload } from '@roomkit/protocol/collab';
export type { RealtimeStoreCallback, Reliability } from '@roomkit/protocol/collab';
