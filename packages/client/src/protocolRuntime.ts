// The only runtime values the SDK takes from @roomkit/protocol, imported from the file that defines
// them rather than from the package index: the index also evaluates the zod schemas in messages.ts,
// which esbuild cannot drop (module-level calls), and zod must stay out of the browser bundle.
// Types still come from '@roomkit/protocol' via `import type`, which costs nothing at runtime.
import type { SIGNALING_PATH as ProtocolSignalingPath } from '@roomkit/protocol';

export { ErrorCode, LeaveReason, RoomkitError } from '../../protocol/src/errors.js';
export type { ErrorCodeName, ErrorCodeNumber, LeaveReasonName } from '../../protocol/src/errors.js';

/** Same value as the protocol's SIGNALING_PATH; the annotation makes tsc fail if they drift. */
export const SIGNALING_PATH: typeof ProtocolSignalingPath = '/rtc';
