// Access token claims (API.md "Tokens") and the helper that mints them.
import { z } from 'zod';
import { signJwt } from './jwt.js';

export const PERMISSIONS = ['allow_join', 'allow_mod', 'ask_join'] as const;
/** The roles a token may carry (API.md). */
export const ROLES = ['rtc', 'crawler'] as const;
/**
 * The server's own compositor (a hidden participant). Only believed with the proof claim that
 * egressToken.ts adds; verification refuses it otherwise, so no outside token can hide anyone.
 */
export const EGRESS_ROLE = 'egress';
export type Permission = (typeof PERMISSIONS)[number];
export type Role = (typeof ROLES)[number];
/** What `roles` may hold once verified. */
export type ClaimRole = Role | typeof EGRESS_ROLE;
const CLAIM_ROLES = [...ROLES, EGRESS_ROLE] as const;

const seconds = z.number().finite();

/** Claims Roomkit reads; other claims (from other tools) pass through untouched. */
export const tokenClaimsSchema = z
  .object({
    apikey: z.string().min(1),
    permissions: z.array(z.enum(PERMISSIONS)),
    version: z.literal(2).optional(),
    roomId: z.string().min(1).optional(),
    participantId: z.string().min(1).optional(),
    roles: z.array(z.enum(CLAIM_ROLES, { errorMap: () => ({ message: `must be one of ${ROLES.join(', ')}` }) })).optional(),
    exp: seconds.optional(),
    iat: seconds.optional(),
    nbf: seconds.optional(),
  })
  .passthrough();

export type TokenClaims = z.infer<typeof tokenClaimsSchema>;

export const DEFAULT_TOKEN_TTL_SECONDS = 24 * 60 * 60;

export interface GenerateTokenOptions {
  apiKey: string;
  apiSecret: string;
  permissions: Permission[];
  roomId?: string;
  participantId?: string;
  roles?: Role[];
  /** Lifetime from now; default 24 h. */
  expiresInSeconds?: number;
}

/** Signs a version-2 access token; throws on claims the server would reject as malformed. */
export function generateToken(opts: GenerateTokenOptions): string {
  if (opts.roles?.some((role) => !(ROLES as readonly string[]).includes(role))) {
    throw new RangeError(`roles must be among ${ROLES.join(', ')}, got [${opts.roles.join(', ')}]`);
  }
  return signAccessToken(opts);
}

/**
 * Signs any claims the server may mint, `egress` included (only egressToken.ts asks for it);
 * `extra` adds claims computed from the final ones.
 */
export function signAccessToken(
  opts: Omit<GenerateTokenOptions, 'roles'> & { roles?: ClaimRole[] },
  extra: (claims: TokenClaims) => Record<string, unknown> = () => ({}),
): string {
  const ttl = opts.expiresInSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  if (!Number.isFinite(ttl) || ttl <= 0) {
    throw new RangeError(`expiresInSeconds must be a positive number of seconds, got ${ttl}`);
  }
  const iat = Math.floor(Date.now() / 1000);
  const claims = tokenClaimsSchema.parse({
    apikey: opts.apiKey,
    permissions: opts.permissions,
    version: 2,
    roomId: opts.roomId,
    participantId: opts.participantId,
    roles: opts.roles,
    iat,
    exp: iat + Math.ceil(ttl),
  });
  const defined = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
  return signJwt({ ...defined, ...extra(claims) }, opts.apiSecret);
}
