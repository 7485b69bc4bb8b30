// Time-limited TURN credentials, the TURN REST API convention coturn implements with
// `use-auth-secret` + `static-auth-secret` (draft-uberti-behave-turn-rest): the username is
// `<expiry unix seconds>:<participant id>` and the password base64(HMAC-SHA1(secret, username)).
// The TURN server checks the HMAC and the expiry itself, so nothing is stored or shared but the
// secret; each participant gets its own, so a leaked credential names who leaked it and dies on its own.
import { createHmac } from 'node:crypto';
import type { IceServer } from '@roomkit/protocol';

export interface TurnConfig {
  /** `turn:`/`turns:` (and `stun:`) URLs handed to clients as ICE servers. */
  urls: readonly string[];
  /** coturn's `static-auth-secret`. */
  secret: string;
  /** How long a minted credential works. */
  ttlSeconds: number;
}

export function turnCredential(secret: string, userId: string, ttlSeconds: number, now = Date.now()): { username: string; credential: string } {
  const username = `${Math.floor(now / 1000) + ttlSeconds}:${userId}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}

/** The ICE servers for one participant: STUN URLs as they are, TURN URLs with a fresh credential. */
export function iceServersFor(turn: TurnConfig | undefined, participantId: string, now = Date.now()): IceServer[] {
  if (!turn || turn.urls.length === 0) return [];
  const stun = turn.urls.filter((u) => u.startsWith('stun:'));
  const relay = turn.urls.filter((u) => !u.startsWith('stun:'));
  const servers: IceServer[] = [];
  if (stun.length > 0) servers.push({ urls: stun });
  if (relay.length > 0) servers.push({ urls: relay, ...turnCredential(turn.secret, participantId, turn.ttlSeconds, now) });
  return servers;
}

/**
 * Whether the TURN URLs include one over UDP (`turn:` without `?transport=tcp`). Chromium's checks
 * relayed over TCP/TLS TURN carry a zero ICE tiebreaker, which libjuice (our ICE) refuses with a 400
 * (libjuice issue #355), so a configuration with only TCP/TLS TURN relays nobody yet.
 */
export function hasUdpTurn(urls: readonly string[]): boolean {
  return urls.some((u) => u.startsWith('turn:') && !u.endsWith('?transport=tcp'));
}
