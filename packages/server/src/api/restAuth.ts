// Who is calling the REST API: a valid token (signature, expiry, API key). What that caller may do
// on each route is restAccess.ts's business (operator, meeting token, room moderator).
import { verifyRestToken, type TokenContext } from '../auth/verifyJoinToken.js';
import type { TokenClaims } from '../auth/AccessToken.js';

export function authorizeRest(authorization: string | undefined, ctx: TokenContext): TokenClaims {
  return verifyRestToken(authorization, ctx);
}
