// The server's own compositor tokens: the only tokens whose `egress` role (a hidden participant)
// is believed. App backends hold the API secret too, so the role is backed by a proof claim keyed
// with a secret that never leaves this process.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { EGRESS_ROLE, signAccessToken, type TokenClaims } from './AccessToken.js';

/** Claim holding the proof; a token without it (or with a wrong one) cannot carry `egress`. */
export const EGRESS_PROOF_CLAIM = 'rk_egress_proof';

/**
 * Per process: the compositor joins the process that minted its token and dies with it, so no
 * other process, and no restart, ever needs to check one.
 */
const processKey = randomBytes(32);

/**
 * Binds the proof to every other claim (room, identity, permissions, roles, times): a genuine token
 * re-signed with anything changed, e.g. allow_mod added, no longer carries a valid proof.
 */
function proofOf(claims: TokenClaims): string {
  const bound = Object.entries(claims)
    .filter(([name, value]) => name !== EGRESS_PROOF_CLAIM && value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHmac('sha256', processKey).update(JSON.stringify(bound)).digest('base64url');
}

export interface EgressTokenOptions {
  apiKey: string;
  apiSecret: string;
  roomId: string;
  participantId: string;
  expiresInSeconds: number;
}

/** A join token for the compositor's hidden participant in `roomId`. */
export function generateEgressToken(opts: EgressTokenOptions): string {
  return signAccessToken({ ...opts, permissions: ['allow_join'], roles: [EGRESS_ROLE] }, (claims) => ({ [EGRESS_PROOF_CLAIM]: proofOf(claims) }));
}

/** True when these verified claims were minted by `generateEgressToken` in this process. */
export function hasEgressProof(claims: TokenClaims): boolean {
  const given = claims[EGRESS_PROOF_CLAIM];
  if (typeof given !== 'string') return false;
  const expected = Buffer.from(proofOf(claims));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
