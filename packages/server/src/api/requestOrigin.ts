// Whose outbound URLs a REST call carries (webhookUrl, RTMP destinations): the operator's only
// with an operator token, that is `roles` including `crawler` and no `roomId` (a room-scoped
// token, a moderator's included, and a token without roles are a participant's). Fail closed:
// anything unreadable is a participant's. The REST auth hook has already accepted the token.
import type { FastifyRequest } from 'fastify';
import type { WebhookConfig } from '@roomkit/protocol';
import { verifyRestToken, type TokenContext } from '../auth/verifyJoinToken.js';
import { OutboundPolicy, OutboundRefusedError } from '../webhooks/OutboundPolicy.js';
import { ApiError } from './errors.js';

export function requestOrigin(req: FastifyRequest, auth: TokenContext): 'operator' | 'participant' {
  try {
    const claims = verifyRestToken(req.headers.authorization, auth);
    return claims.roles?.includes('crawler') && claims.roomId === undefined ? 'operator' : 'participant';
  } catch {
    return 'participant';
  }
}

/**
 * A room webhook (`POST /v2/rooms` `webhook`) given with a participant's token: its endPoint must
 * be http(s) and not on a refused address (400 naming the field), and it is stored `guarded`, so every
 * delivery re-checks the address at connect time (WebhookSessionObserver, WebhookDispatcher).
 */
export async function guardedRoomWebhook(webhook: WebhookConfig, outbound = new OutboundPolicy()): Promise<WebhookConfig> {
  const refuse = (why: string) => new ApiError(400, 'ERROR_INVALID_PARAMETER', `webhook.endPoint: ${why}`);
  let target: URL;
  try {
    target = new URL(webhook.endPoint);
  } catch {
    throw refuse('not a valid URL');
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw refuse('must be an http:// or https:// URL');
  try {
    await outbound.check(target.hostname);
  } catch (err) {
    // Not resolvable now: let through, every delivery resolves and checks again at connect time.
    if (err instanceof OutboundRefusedError && !err.unresolved) throw refuse(err.message);
    if (!(err instanceof OutboundRefusedError)) throw err;
  }
  return { ...webhook, guarded: true } as WebhookConfig;
}
