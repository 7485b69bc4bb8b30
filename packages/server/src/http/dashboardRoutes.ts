// The operator dashboard (server README "Operator dashboard"): its static single-page app under
// /dashboard/, the login that trades the API key and secret (or `dashboardPassword`) for a
// short-lived operator token, and what the login page may know before anyone signs in.
// The token travels in `Authorization` only (kept in sessionStorage): no cookie, so no CSRF.
import { createHash, timingSafeEqual } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { dashboardLoginBodySchema, type DashboardLoginResponse, type DashboardPublicConfig } from '@roomkit/protocol';
import { generateToken } from '../auth/AccessToken.js';
import type { Config } from '../config/schema.js';
import { ApiError, toErrorResponse } from '../api/errors.js';
import { parseInput } from '../api/parse.js';
import { KeyedRateLimiter } from '../rooms/KeyedRateLimiter.js';
import { RoomkitError } from '@roomkit/protocol';

const dashboardDir = fileURLToPath(new URL('../../dashboard', import.meta.url));

/** How long a dashboard login lasts; the page then asks to sign in again. */
export const DASHBOARD_TOKEN_TTL_SECONDS = 60 * 60;
/** Login attempts per client address per minute (bursts of the same size). */
export const DASHBOARD_LOGINS_PER_MINUTE = 10;

/** Equal-time comparison of secrets of any length (both sides hashed to 32 bytes first). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

// Nothing but our own files; the page is never framed; download links carrying ?token= send no Referer.
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; media-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

export async function dashboardRoutes(app: FastifyInstance, { config }: { config: Config }): Promise<void> {
  const logins = new KeyedRateLimiter(DASHBOARD_LOGINS_PER_MINUTE);
  app.addHook('onSend', async (_req, reply) => {
    reply.headers(SECURITY_HEADERS);
  });
  app.setErrorHandler((err, _req, reply) => {
    const { statusCode, body } = toErrorResponse(err);
    return reply.code(statusCode).send(body);
  });

  // Served as files with ETag and no-cache (revalidated, so a new server version shows at once).
  await app.register(fastifyStatic, { root: dashboardDir, prefix: '/dashboard/', redirect: true, cacheControl: true, maxAge: 0, etag: true, index: 'index.html', wildcard: false });

  app.get('/dashboard/config', async (): Promise<DashboardPublicConfig> => ({
    devMode: config.devMode,
    passwordLogin: config.dashboardPassword !== undefined,
    ...(config.devMode && { devCredentials: { apiKey: config.apiKey, apiSecret: config.apiSecret } }),
  }));

  app.post('/dashboard/login', { bodyLimit: 4096 }, async (req): Promise<DashboardLoginResponse> => {
    // Before anything is compared: a flood of guesses is refused whatever it guesses.
    if (!logins.take(req.ip)) throw new RoomkitError('RATE_LIMITED', `more than ${DASHBOARD_LOGINS_PER_MINUTE} sign-in attempts from this address in a minute; wait a minute`);
    const body = parseInput(dashboardLoginBodySchema, req.body, 'body');
    const ok =
      'password' in body
        ? config.dashboardPassword !== undefined && sameSecret(body.password, config.dashboardPassword)
        : sameSecret(body.apiKey, config.apiKey) && sameSecret(body.apiSecret, config.apiSecret);
    if (!ok) {
      const what = 'password' in body ? (config.dashboardPassword === undefined ? 'password sign-in is off (no dashboardPassword is configured)' : 'wrong password') : 'wrong API key or secret';
      throw new ApiError(401, 'UNAUTHORIZED_REQUEST', what);
    }
    const token = generateToken({ apiKey: config.apiKey, apiSecret: config.apiSecret, permissions: [], roles: ['crawler'], expiresInSeconds: DASHBOARD_TOKEN_TTL_SECONDS });
    return { token, expiresAt: new Date(Date.now() + DASHBOARD_TOKEN_TTL_SECONDS * 1000).toISOString() };
  });
}
