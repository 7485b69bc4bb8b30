// Timings of the meeting core's signaling, the same on every platform.

export const REQUEST_TIMEOUT_MS = 10_000;
/** Pings also detect a dead socket: one unanswered within PING_TIMEOUT_MS counts as a drop. */
export const PING_INTERVAL_MS = 5_000;
export const PING_TIMEOUT_MS = 4_000;
/** How long leave() waits for the server's answer before closing anyway. */
export const LEAVE_WAIT_MS = 3_000;
/** How long join() may wait for a host to admit an ask_join participant. */
export const LOBBY_WAIT_MS = 15 * 60_000;
