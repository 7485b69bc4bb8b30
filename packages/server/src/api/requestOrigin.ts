// Whose outbound URLs a REST call carries (webhookUrl, RTMP destinations): the operator's only
// with an operator token (restAccess.ts `isOperator`: `roles` includes `crawler`); a room
// moderator's token, a token without roles and an `rtc` token are a participant's. Fail closed:
// anything unreadable is a participant's. The REST auth hook has already verified the token.
import type { FastifyRequest } from 'fastify';
import { verifyRestToken, type TokenContext } from '../auth/verifyJoinToken.js';
import { isOperator } from './restAccess.js';

export function requestOrigin(req: FastifyRequest, auth: TokenContext): 'operator' | 'participant' {
  try {
    return isOperator(req.roomkitClaims ?? verifyRestToken(req.headers.authorization, auth)) ? 'operator' : 'participant';
  } catch {
    return 'participant';
  }
}
