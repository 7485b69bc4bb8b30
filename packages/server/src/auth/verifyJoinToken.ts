// Turns a presented access token into trusted claims, or a RoomkitError saying exactly what is wrong.
import { RoomkitError, idSchema } from '@roomkit/protocol';
import { EGRESS_ROLE, tokenClaimsSchema, type TokenClaims } from './AccessToken.js';
import { hasEgressProof } from './egressToken.js';
import { TokenError, decodeJwtUnverified, verifyJwt } from './jwt.js';

/** Tolerated clock difference between token issuer and this server. */
export const CLOCK_SKEW_SECONDS = 30;

export interface TokenContext {
  apiKey: string;
  apiSecret: string;
  /** In dev mode tokens may omit `exp`. */
  devMode: boolean;
}

export interface JoinTokenContext extends TokenContext {
  meetingId: string;
  /** The participant id the client asked to join as, if any. */
  participantId?: string;
}

function isoSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Checks signature, key, claim shape and validity window: what every use of a token needs. */
export function verifyAccessToken(token: string | undefined, ctx: TokenContext): TokenClaims {
  if (token === undefined || token.trim() === '') {
    throw new RoomkitError('INVALID_TOKEN', 'no token given: pass an access token signed with the API secret');
  }
  let payload: Record<string, unknown>;
  try {
    const unverified = decodeJwtUnverified(token).payload;
    // Name the key problem before the signature one: a token for another key can't verify anyway.
    if (typeof unverified.apikey === 'string' && unverified.apikey !== ctx.apiKey) {
      const shown = JSON.stringify(unverified.apikey.slice(0, 64));
      throw new RoomkitError('INVALID_API_KEY', `token is for API key ${shown}, which this server does not use`);
    }
    payload = verifyJwt(token, ctx.apiSecret);
  } catch (err) {
    if (err instanceof TokenError) throw new RoomkitError('INVALID_TOKEN', `invalid token: ${err.message}`, { cause: err });
    throw err;
  }
  const parsed = tokenClaimsSchema.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue.path.length > 0 ? `claim "${issue.path.join('.')}"` : 'claims';
    throw new RoomkitError('INVALID_TOKEN', `invalid token: ${at}: ${issue.message}`);
  }
  const claims = parsed.data;
  const now = Date.now() / 1000;
  if (claims.exp === undefined) {
    if (!ctx.devMode) throw new RoomkitError('INVALID_TOKEN', 'token has no "exp" claim; tokens must expire outside dev mode');
  } else if (claims.exp + CLOCK_SKEW_SECONDS < now) {
    throw new RoomkitError('INVALID_TOKEN', `token expired at ${isoSeconds(claims.exp)}`);
  }
  if (claims.nbf !== undefined && claims.nbf - CLOCK_SKEW_SECONDS > now) {
    throw new RoomkitError('INVALID_TOKEN', `token not valid before ${isoSeconds(claims.nbf)}`);
  }
  // `egress` hides its holder from everyone: only the server's own compositor tokens may carry it.
  if (claims.roles?.includes(EGRESS_ROLE) && !hasEgressProof(claims)) {
    throw new RoomkitError('UNAUTHORIZED_ROLE', `token role "${EGRESS_ROLE}" is reserved for the server's own recorders; roles may be rtc, crawler`);
  }
  return claims;
}

/** Verifies a token presented to join `ctx.meetingId`; returns its claims. */
export function verifyJoinToken(token: string | undefined, ctx: JoinTokenContext): TokenClaims {
  const claims = verifyAccessToken(token, ctx);
  if (claims.roles !== undefined && !claims.roles.includes('rtc') && !claims.roles.includes(EGRESS_ROLE)) {
    throw new RoomkitError(
      'UNAUTHORIZED_ROLE',
      `token roles [${claims.roles.join(', ')}] do not include "rtc", which joining a meeting needs`,
    );
  }
  // A claim outside the id alphabet names nothing that can join, be listed or be moderated.
  for (const [claim, code] of [['roomId', 'INVALID_MEETING_ID'], ['participantId', 'INVALID_PARTICIPANT_ID']] as const) {
    const value = claims[claim];
    if (value !== undefined && !idSchema.safeParse(value).success) {
      throw new RoomkitError(code, `token claim "${claim}" ${JSON.stringify(value.slice(0, 80))} is not a valid id: 1-64 letters, digits, "-" or "_"`);
    }
  }
  if (claims.roomId !== undefined && claims.roomId !== ctx.meetingId) {
    throw new RoomkitError(
      'UNAUTHORIZED_MEETING_ID',
      `token is for room "${claims.roomId}", not meeting "${ctx.meetingId}"`,
    );
  }
  if (claims.participantId !== undefined && ctx.participantId !== undefined && claims.participantId !== ctx.participantId) {
    throw new RoomkitError(
      'UNAUTHORIZED_PARTCIPANT_ID',
      `token is for participant "${claims.participantId}", not "${ctx.participantId}"`,
    );
  }
  const perms = claims.permissions;
  if (!perms.includes('allow_join') && !perms.includes('allow_mod') && !perms.includes('ask_join')) {
    throw new RoomkitError('INVALID_PERMISSIONS', `token permissions [${perms.join(', ')}] include none of "allow_join", "allow_mod", "ask_join"`);
  }
  return claims;
}

/** Verifies the token of a REST call: the raw `Authorization` value, or `Bearer <token>`. */
export function verifyRestToken(authorizationHeader: string | undefined, ctx: TokenContext): TokenClaims {
  // Types stop nobody at runtime: a repeated query parameter arrives as an array.
  if (authorizationHeader !== undefined && typeof authorizationHeader !== 'string') {
    throw new RoomkitError('INVALID_TOKEN', 'token: must be a single string (was a parameter given twice?)');
  }
  const header = authorizationHeader?.trim();
  const token = header === undefined ? undefined : header.replace(/^Bearer\s+/i, '');
  if (token === undefined || token === '') {
    throw new RoomkitError('INVALID_TOKEN', 'no token given: send it in the Authorization header (optionally "Bearer <token>")');
  }
  return verifyAccessToken(token, ctx);
}
