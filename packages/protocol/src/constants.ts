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
