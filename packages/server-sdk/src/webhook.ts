// Checks that a webhook request came from the Roomkit server holding our API secret, and is fresh.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. */
export const WEBHOOK_SIGNATURE_HEADER = 'Roomkit-Signature';
/** How far the signature timestamp may be from our clock, either way. */
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;

export type WebhookEventType =
  | 'session-started' | 'session-ended' | 'participant-joined' | 'participant-left'
  | 'recording-starting' | 'recording-started' | 'recording-stopping' | 'recording-stopped' | 'recording-failed'
  | 'livestream-starting' | 'livestream-started' | 'livestream-stopping' | 'livestream-stopped' | 'livestream-failed'
  | 'hls-starting' | 'hls-started' | 'hls-playable' | 'hls-stopping' | 'hls-stopped' | 'hls-failed';

/** A webhook body. `webhookType` is left open to string so newer servers' events still parse. */
export interface WebhookEvent {
  webhookType: WebhookEventType | (string & {});
  data: { meetingId: string; sessionId: string; [key: string]: unknown };
}

export type WebhookVerificationReason =
  | 'missing_header' | 'malformed_header' | 'timestamp_out_of_range' | 'bad_signature' | 'malformed_body';

/** The request is not a genuine, fresh Roomkit webhook; `reason` says which check failed. */
export class WebhookVerificationError extends Error {
  readonly reason: WebhookVerificationReason;
  constructor(reason: WebhookVerificationReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WebhookVerificationError';
    this.reason = reason;
  }
}

export type WebhookHeaders = Record<string, string | string[] | undefined> | Headers;

export interface VerifyWebhookOptions {
  /** Default 300. */
  toleranceSeconds?: number;
}

function headerValues(headers: WebhookHeaders, name: string): string[] {
  if (typeof Headers !== 'undefined' && headers instanceof Headers) {
    const v = headers.get(name);
    return v === null ? [] : [v];
  }
  const wanted = name.toLowerCase();
  const out: string[] = [];
  for (const [key, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    out.push(...(Array.isArray(value) ? value : [value]));
  }
  return out;
}

function hmacSha256(secret: string, timestamp: string, rawBody: string | Uint8Array): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
}

/**
 * Verifies a webhook and returns its parsed body, or throws WebhookVerificationError.
 * Pass the body exactly as received (before any JSON parsing): re-serialized JSON won't verify.
 */
export function verifyWebhook(
  rawBody: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string,
  opts: VerifyWebhookOptions = {},
): WebhookEvent {
  if (typeof secret !== 'string' || secret === '') throw new TypeError('verifyWebhook: secret must be the API secret');
  const values = headerValues(headers, WEBHOOK_SIGNATURE_HEADER);
  if (values.length === 0) {
    throw new WebhookVerificationError('missing_header', `no ${WEBHOOK_SIGNATURE_HEADER} header: not a Roomkit webhook, or a proxy dropped it`);
  }
  // Comma-joined or repeated headers both parse; several v1 values allow rotating secrets.
  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const part of values.join(',').split(',')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') timestamp = value;
    else if (key === 'v1') signatures.push(value);
  }
  if (timestamp === undefined || !/^\d+$/.test(timestamp) || signatures.length === 0) {
    throw new WebhookVerificationError('malformed_header', `${WEBHOOK_SIGNATURE_HEADER} header must look like "t=<unix seconds>,v1=<hex signature>"`);
  }
  const tolerance = opts.toleranceSeconds ?? DEFAULT_WEBHOOK_TOLERANCE_SECONDS;
  const age = Math.floor(Date.now() / 1000) - Number(timestamp);
  if (Math.abs(age) > tolerance) {
    throw new WebhookVerificationError(
      'timestamp_out_of_range',
      `webhook timestamp is ${Math.abs(age)} s ${age > 0 ? 'old' : 'in the future'}, beyond the ${tolerance} s tolerance (replayed, or clocks out of sync)`,
    );
  }
  const expected = hmacSha256(secret, timestamp, rawBody);
  const matches = signatures.some((sig) => {
    if (!/^[0-9a-f]+$/i.test(sig) || sig.length !== expected.length * 2) return false;
    return timingSafeEqual(Buffer.from(sig, 'hex'), expected);
  });
  if (!matches) {
    throw new WebhookVerificationError('bad_signature', 'webhook signature does not match: the body was altered or signed with another secret');
  }
  let event: unknown;
  try {
    event = JSON.parse(typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8'));
  } catch (err) {
    throw new WebhookVerificationError('malformed_body', 'webhook body is not JSON', { cause: err });
  }
  const e = event as Partial<WebhookEvent> | null;
  if (typeof e !== 'object' || e === null || typeof e.webhookType !== 'string' || typeof e.data !== 'object' || e.data === null) {
    throw new WebhookVerificationError('malformed_body', 'webhook body must be {webhookType, data}');
  }
  return e as WebhookEvent;
}

/**
 * The `Roomkit-Signature` value the server would send for `rawBody`: for testing your receiver.
 * `timestamp` defaults to now (unix seconds).
 */
export function signWebhook(rawBody: string | Uint8Array, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const t = String(Math.floor(timestamp));
  return `t=${t},v1=${hmacSha256(secret, t, rawBody).toString('hex')}`;
}
