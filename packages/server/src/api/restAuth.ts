// Who may call the REST API: a valid token (signature, expiry, API key) whose roles, if it has any,
// include `crawler`. A token with no `roles` claim is accepted, as VideoSDK's management tokens are.
import { RoomkitError } from '@roomkit/protocol';
import { verifyRestToken, type TokenContext } from '../auth/verifyJoinToken.js';
import type { TokenClaims } from '../auth/AccessToken.js';

export function authorizeRest(authorization: string | undefined, ctx: TokenContext): TokenClaims {
  const claims = verifyRestToken(authorization, ctx);
  if (claims.roles !== undefined && !claims.roles.includes('crawler')) {
    throw new RoomkitError(
      'UNAUTHORIZED_ROLE',
      `token roles [${claims.roles.join(', ')}] do not include "crawler", which the REST API needs (or omit "roles")`,
    );
  }
  return claims;
}
