// Whose outbound URLs a REST call carries (webhookUrl, RTMP destinations): the operator's only
// with an operator token, that is `roles` including `crawler` and no `roomId` (a room-scoped
// token, a moderator's included, and a token without roles are a participant's). Fail closed:
// anything unreadable is a participant's. The REST auth hook has already accepted the token.
import type { FastifyRequest } from 'fastify';
import { verifyRestToken, type TokenContext } from '../auth/verifyJoinToken.js';

export function requestOrigin(req: FastifyRequest, auth: TokenContext): 'operator' | 'participant' {
  try {
    const claims = verifyRestToken(req.headers.authorization, auth);
    return claims.roles?.includes('crawler') && claims.roomId === undefined ? 'operator' : 'participant';
  } catch {
    return 'participant';
  }
}
