// CORS for the SDK files (/sdk/...) and the REST API (/v2/...), so an app on its own origin can load
// the SDK and call the API with its token. Other paths (demo page, /dev/token, egress) stay
// same-origin; HLS files set their own `*`.
import fastifyCors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CorsOrigins } from '../config/schema.js';

/** Paths cross-origin pages may use. */
const CORS_PATHS = /^\/(?:sdk|v2)(?:\/|$)/;

const ALLOWED: FastifyCorsOptions = {
  methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
  // REST auth is the token in Authorization, never a cookie: no credentials.
  allowedHeaders: ['Authorization', 'Content-Type'],
  credentials: false,
  // Browsers cap it (Chromium at 2 h); 10 min spares a preflight per call without pinning a change.
  maxAge: 600,
};

const pathOf = (req: Pick<FastifyRequest, 'url'>) => req.url.split('?', 1)[0]!;

/** A browser's preflight: OPTIONS with an Origin and the method it wants to use. */
const isPreflight = (req: FastifyRequest) => req.method === 'OPTIONS' && req.headers.origin !== undefined && req.headers['access-control-request-method'] !== undefined;

function allows(origins: CorsOrigins, origin: string | undefined): boolean {
  return origins === '*' || (origin !== undefined && origins.includes(origin));
}

/** CORS headers for allowed origins on /sdk and /v2; none (the browser blocks the page) otherwise. */
export function registerCors(app: FastifyInstance, origins: CorsOrigins): void {
  app.register(fastifyCors, {
    hook: 'onRequest',
    delegator: (req, cb) => {
      const wanted = CORS_PATHS.test(pathOf(req)) && (req.method !== 'OPTIONS' || isPreflight(req));
      // A fixed `*` for any origin (cacheable by shared caches); the request's own origin from a list.
      if (!wanted || !allows(origins, req.headers.origin)) cb(null, { origin: false });
      else cb(null, { ...ALLOWED, origin: origins === '*' ? '*' : req.headers.origin! });
    },
  });
}

/**
 * The Access-Control-Allow-Origin for a reply sent before any hook ran (the router's own 400/414),
 * so a page can read those errors too; null when the request gets no CORS.
 */
export function allowOriginFor(req: Pick<FastifyRequest, 'url' | 'method' | 'headers'>, origins: CorsOrigins): string | null {
  if (req.method === 'OPTIONS' || !CORS_PATHS.test(pathOf(req)) || !allows(origins, req.headers.origin)) return null;
  return origins === '*' ? '*' : req.headers.origin!;
}

/**
 * Why a preflight reached the not-found handler (its origin or path gets no CORS), for a 403
 * the developer can read in the network panel; null for any other unknown route.
 */
export function preflightRefusal(req: FastifyRequest, origins: CorsOrigins): string | null {
  if (!isPreflight(req)) return null;
  if (!CORS_PATHS.test(pathOf(req))) return `CORS: ${pathOf(req)} is not available to other origins (only /sdk/ and /v2/ are)`;
  if (!allows(origins, req.headers.origin)) return `CORS: origin ${req.headers.origin} is not allowed (server setting corsOrigins / ROOMKIT_CORS_ORIGINS)`;
  return null;
}
