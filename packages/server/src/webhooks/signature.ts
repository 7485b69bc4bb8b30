// The webhook signature contract, shared by the dispatcher (signing) and receivers (verifying):
//   Roomkit-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 over "<t>.<raw body>" keyed with the API secret>
// The timestamp is inside the MAC so a captured request cannot be replayed outside the tolerance.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'Roomkit-Signature';
/** Same value on every retry of one delivery, so receivers can drop duplicates. */
export const WEBHOOK_ID_HEADER = 'Roomkit-Webhook-Id';
export const DEFAULT_TOLERANCE_SECONDS = 300;

function nowInSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function mac(timestamp: number, body: string, secret: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** The `Roomkit-Signature` header value for a raw JSON body. */
export function signWebhook(body: string, secret: string, nowSeconds: number = nowInSeconds()): string {
  const t = Math.floor(nowSeconds);
  return `t=${t},v1=${mac(t, body, secret)}`;
}

/**
 * True when `header` carries a v1 signature of exactly this raw body under `secret`, with a
 * timestamp within `toleranceSeconds` (default 300) of now. Several `v1=` entries are allowed (any
 * match wins), unknown schemes are ignored. Never throws.
 */
export function verifyWebhookSignature(
  body: string,
  header: string,
  secret: string,
  opts: { toleranceSeconds?: number; nowSeconds?: number } = {},
): boolean {
  if (typeof header !== 'string' || typeof body !== 'string' || !secret) return false;
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value.toLowerCase());
  }
  if (timestamp === undefined || signatures.length === 0) return false;
  const tolerance = opts.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs((opts.nowSeconds ?? nowInSeconds()) - timestamp) > tolerance) return false;
  const expected = Buffer.from(mac(timestamp, body, secret), 'hex');
  let ok = false;
  // Compare against every candidate (no early exit) in constant time per candidate.
  for (const candidate of signatures) ok = timingSafeEqual(expected, Buffer.from(candidate, 'hex')) || ok;
  return ok;
}
