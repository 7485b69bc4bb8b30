// Mints Roomkit access tokens (API.md "Tokens"): HS256 JWTs signed with the API secret.
import { createHmac } from 'node:crypto';

export const TOKEN_PERMISSIONS = ['allow_join', 'allow_mod', 'ask_join'] as const;
export const TOKEN_ROLES = ['rtc', 'crawler'] as const;
export type TokenPermission = (typeof TOKEN_PERMISSIONS)[number];
export type TokenRole = (typeof TOKEN_ROLES)[number];

/** Lifetime: seconds, or a string with a unit such as '90s', '30m', '2h', '1d', '1w'. */
export type ExpiresIn = number | string;

export interface GenerateTokenOptions {
  apiKey: string;
  secretKey: string;
  permissions: TokenPermission[];
  /** Token valid for this room only. */
  roomId?: string;
  /** Pins the participant's identity. */
  participantId?: string;
  /** `rtc` joins meetings, `crawler` calls the REST API; omitted = both. */
  roles?: TokenRole[];
  /** Default 24 h. */
  expiresIn?: ExpiresIn;
}

/** The claims Roomkit reads from a token. */
export interface TokenClaims {
  apikey: string;
  permissions: TokenPermission[];
  version: 2;
  roomId?: string;
  participantId?: string;
  roles?: TokenRole[];
  iat: number;
  exp: number;
}

export const DEFAULT_EXPIRES_IN_SECONDS = 24 * 60 * 60;

const UNIT_SECONDS: Record<string, number> = {
  s: 1, sec: 1, secs: 1, second: 1, seconds: 1,
  m: 60, min: 60, mins: 60, minute: 60, minutes: 60,
  h: 3600, hr: 3600, hrs: 3600, hour: 3600, hours: 3600,
  d: 86400, day: 86400, days: 86400,
  w: 604800, week: 604800, weeks: 604800,
};

/**
 * Turns an `expiresIn` into whole seconds. A string needs a unit: unlike `jsonwebtoken`, where a
 * bare "120" means 120 milliseconds, an ambiguous string is rejected rather than guessed.
 */
export function parseExpiresIn(value: ExpiresIn): number {
  let seconds: number;
  if (typeof value === 'number') {
    seconds = value;
  } else {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i.exec(value);
    const unit = m ? UNIT_SECONDS[m[2]!.toLowerCase()] : undefined;
    if (!m || unit === undefined) {
      throw new RangeError(`expiresIn: "${value}" is not a lifetime; use seconds (3600) or a string like "30m", "2h", "1d"`);
    }
    seconds = Number(m[1]) * unit;
  }
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new RangeError(`expiresIn must be a positive lifetime, got ${String(value)}`);
  }
  return Math.ceil(seconds);
}

function requireString(value: unknown, name: string): void {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${name} must be a non-empty string`);
}

function requireList<T extends string>(value: unknown, allowed: readonly T[], name: string): void {
  if (!Array.isArray(value)) throw new TypeError(`${name} must be an array of ${allowed.join(', ')}`);
  for (const item of value) {
    if (!allowed.includes(item as T)) throw new TypeError(`${name}: ${JSON.stringify(item)} is not one of ${allowed.join(', ')}`);
  }
}

/** Signs a version-2 access token. Throws TypeError/RangeError on options the server would reject. */
export function generateToken(opts: GenerateTokenOptions): string {
  requireString(opts.apiKey, 'apiKey');
  requireString(opts.secretKey, 'secretKey');
  requireList(opts.permissions, TOKEN_PERMISSIONS, 'permissions');
  if (opts.roles !== undefined) requireList(opts.roles, TOKEN_ROLES, 'roles');
  if (opts.roomId !== undefined) requireString(opts.roomId, 'roomId');
  if (opts.participantId !== undefined) requireString(opts.participantId, 'participantId');
  const ttl = parseExpiresIn(opts.expiresIn ?? DEFAULT_EXPIRES_IN_SECONDS);
  const iat = Math.floor(Date.now() / 1000);
  const claims: TokenClaims = {
    apikey: opts.apiKey,
    permissions: [...opts.permissions],
    version: 2,
    ...(opts.roomId !== undefined && { roomId: opts.roomId }),
    ...(opts.participantId !== undefined && { participantId: opts.participantId }),
    ...(opts.roles !== undefined && { roles: [...opts.roles] }),
    iat,
    exp: iat + ttl,
  };
  return signHs256(claims, opts.secretKey);
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function signHs256(payload: object, secret: string): string {
  const input = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}
