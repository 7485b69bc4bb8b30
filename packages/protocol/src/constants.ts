// Runtime constants of the protocol, free of zod so browser bundles can import them cheaply.
/** Signaling limits the server enforces; clients should stay under them. */
export const SIGNALING_LIMITS = {
  /** A text frame larger than this is refused with ERROR_PAYLOAD_TOO_LARGE (the socket stays). */
  maxMessageBytes: 65_536,
  /** Messages per second per connection (token bucket; burst below). */
  messagesPerSecond: 50,
  messageBurst: 100,
} as const;

/** WebSocket path of the signaling endpoint. */
export const SIGNALING_PATH = '/rtc';

/**
 * Close code a client uses when it drops a socket that stopped answering and will `resume` on a
 * new one. Any other close frame from the client means it left; no close frame at all (1006)
 * means the network dropped it. Both 4000 and 1006 keep the participant for the grace period.
 */
export const CLOSE_CODE_RECONNECTING = 4000;
