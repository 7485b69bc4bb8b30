// Minimal HS256 JWT signing and checking on node:crypto; no other algorithm is ever accepted.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type TokenErrorReason = 'malformed' | 'bad_signature' | 'unsupported_alg';

/** A token could not be decoded or its signature did not check out. */
export class TokenError extends Error {
  readonly reason: TokenErrorReason;
  constructor(reason: TokenErrorReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TokenError';
    this.reason = reason;
  }
}

export type JwtPayload = Record<string, unknown>;

const HEADER = { alg: 'HS256', typ: 'JWT' } as const;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

function hmac(input: string, secret: string): string {
  return createHmac('sha256', secret).update(input).digest('base64url');
}

function encodePart(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function decodePart(part: string, what: 'header' | 'payload'): JwtPayload {
  if (!BASE64URL.test(part) || part.length % 4 === 1) {
    throw new TokenError('malformed', `token ${what} is not base64url`);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch (err) {
    throw new TokenError('malformed', `token ${what} is not JSON`, { cause: err });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TokenError('malformed', `token ${what} is not a JSON object`);
  }
  return value as JwtPayload;
}

export function signJwt(payload: JwtPayload, secret: string): string {
  const input = `${encodePart(HEADER)}.${encodePart(payload)}`;
  return `${input}.${hmac(input, secret)}`;
}

/**
 * Splits and decodes a token WITHOUT checking its signature: only for choosing which key to check
 * it with, or for a clearer error. Never trust what it returns.
 */
export function decodeJwtUnverified(token: string): { header: JwtPayload; payload: JwtPayload; signature: string } {
  const parts = token.split('.');
  if (parts.length !== 3) {
    throw new TokenError('malformed', `token must have three dot-separated parts, got ${parts.length}`);
  }
  const [h, p, signature] = parts;
  return { header: decodePart(h, 'header'), payload: decodePart(p, 'payload'), signature };
}

/** Checks the HS256 signature and returns the payload; throws TokenError otherwise. */
export function verifyJwt(token: string, secret: string): JwtPayload {
  const { header, payload, signature } = decodeJwtUnverified(token);
  if (header.alg !== 'HS256') {
    throw new TokenError('unsupported_alg', `token algorithm ${JSON.stringify(header.alg ?? null)} is not supported; use HS256`);
  }
  const expected = Buffer.from(hmac(token.slice(0, token.lastIndexOf('.')), secret));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new TokenError('bad_signature', 'token signature does not match the API secret');
  }
  return payload;
}
