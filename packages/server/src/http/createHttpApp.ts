// The HTTP face of the server: demo page, the SDK builds, CORS, dev tokens and health.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { ErrorCode, idSchema } from '@roomkit/protocol';
import { generateToken } from '../auth/AccessToken.js';
import type { Config } from '../config/schema.js';
import { defaults } from '../config/defaults.js';
import { restApi, type RestApiDeps } from '../api/restApi.js';
import { hlsRoutes, type HlsRoutesDeps } from './hlsRoutes.js';
import { metricsRoutes } from './metricsRoutes.js';
import { countError } from '../metrics/appMetrics.js';
import { allowOriginFor, preflightRefusal, registerCors } from './cors.js';
import type { SdkBundle } from './sdkBundle.js';
import { networkProbeRoutes } from './networkProbeRoutes.js';
import { sdkRoutes } from './sdkRoutes.js';
import { registerOpenApi } from './openapi.js';
import { dashboardRoutes } from './dashboardRoutes.js';

const serverVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
import { publicOrigin, trustFunction } from '../net/proxyTrust.js';

const publicDir = fileURLToPath(new URL('../../public', import.meta.url));
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface HttpAppDeps {
  config: Config;
  /** The SDK builds (src/http/sdkBundle.ts); without it /sdk/* is not mounted. */
  sdk?: SdkBundle;
  health: () => Record<string, unknown>;
  /** GET /metrics (Prometheus text); without it, or with `metricsPort` set, the route is not mounted here. */
  metrics?: () => Promise<{ contentType: string; text: string }>;
  /** The REST API v2's data: without them (tests of the static routes) it is not mounted. */
  store?: RestApiDeps['store'];
  rooms?: RestApiDeps['rooms'];
  recordings?: RestApiDeps['recordings'];
  /** The room's running HLS stream for the viewer page (none: the page waits). */
  hlsState?: HlsRoutesDeps['hlsState'];
  streaming?: RestApiDeps['streaming'];
  /** The operator dashboard's data (/v2/operator/*); with it, /dashboard is mounted. */
  operator?: RestApiDeps['operator'];
  /** More routes (the egress compose page). */
  extraRoutes?: (app: FastifyInstance) => void;
}

function errorBody(statusCode: number, code: number, message: string) {
  return { statusCode, error: { code, message } };
}

export function createHttpApp({ config, sdk, health, metrics, store, rooms, recordings, extraRoutes, hlsState, streaming, operator }: HttpAppDeps): FastifyInstance {
  const corsOrigins = config.corsOrigins ?? '*';
  const limits = { ...defaults.limits, ...config.limits };
  const requestTimeoutMs = limits.httpRequestTimeoutSeconds * 1000;
  const trust = trustFunction(config.trustProxy);
  const app = Fastify({
    logger: false,
    // req.ip / req.ips / req.protocol / req.host follow the same trust as publicOrigin below.
    trustProxy: trust,
    bodyLimit: 64 * 1024,
    // A client that trickles its request (slowloris, a body that never ends) loses its socket:
    // the whole request within requestTimeout, its headers within headersTimeout, and no socket
    // sits silent for longer than connectionTimeout. WebSockets are not affected once upgraded.
    requestTimeout: requestTimeoutMs,
    connectionTimeout: limits.httpIdleTimeoutSeconds * 1000,
    keepAliveTimeout: limits.httpKeepAliveSeconds * 1000,
    http: {
      headersTimeout: Math.min(limits.httpHeadersTimeoutSeconds, limits.httpRequestTimeoutSeconds) * 1000,
      // Node checks the two timeouts above on this interval (default 30 s, longer than they are).
      connectionsCheckingInterval: Math.max(250, Math.min(5000, requestTimeoutMs / 4)),
    },
    // The router's own refusals (a path segment over 100 characters, a malformed URL) in the API's
    // error shape too, not fastify's.
    frameworkErrors: (err, req, reply) => {
      const tooLong = err.code === 'FST_ERR_MAX_PARAM_LENGTH';
      const status = tooLong ? 414 : 400;
      // Sent before the CORS hook runs: its header by hand, so a page can read this error too.
      const allowOrigin = allowOriginFor(req, corsOrigins);
      if (allowOrigin) void (reply as unknown as FastifyReply).header('access-control-allow-origin', allowOrigin).header('vary', 'Origin');
      void (reply as unknown as FastifyReply).code(status).send(errorBody(status, ErrorCode.ERROR_INVALID_PARAMETER, tooLong ? 'path: an id in the URL is over 100 characters' : 'path: not a valid URL'));
    },
  });
  // Every error answer in the API's shape counts in roomkit_errors_total{source="http"}.
  app.addHook('preSerialization', async (_req, reply, payload) => {
    if (reply.statusCode >= 400) countError('http', (payload as { error?: { code?: unknown } } | null)?.error?.code);
    return payload;
  });
  app.decorateRequest('publicOrigin', {
    getter(this: FastifyRequest) {
      return publicOrigin(this.raw, trust);
    },
  });
  // First, so its hook runs before the REST API's token check: a refused call still reaches the
  // page as a readable 401.
  registerCors(app, corsOrigins);
  if (store && rooms) registerOpenApi(app, serverVersion);
  if (store && rooms) app.register(restApi, { store, rooms, recordings, streaming, operator, auth: { apiKey: config.apiKey, apiSecret: config.apiSecret, devMode: config.devMode }, roomsCreatedPerTokenPerMinute: limits.roomsCreatedPerTokenPerMinute });

  // The demo page's files, read once: nothing under public/ is looked up by a request path.
  const files = new Map<string, { type: string; body: Buffer }>();
  for (const name of readdirSync(publicDir)) {
    const ext = name.slice(name.lastIndexOf('.'));
    if (CONTENT_TYPES[ext]) files.set(`/${name}`, { type: CONTENT_TYPES[ext]!, body: readFileSync(join(publicDir, name)) });
  }
  const index = files.get('/index.html');
  app.get('/', (_req, reply) => {
    reply.type(index!.type).send(index!.body);
  });
  for (const [path, file] of files) {
    app.get(path, (_req, reply) => {
      reply.type(file.type).send(file.body);
    });
  }
  if (operator) app.register(dashboardRoutes, { config });
  hlsRoutes(app, { dataDir: config.dataDir, hlsState: hlsState ?? (() => null) });

  extraRoutes?.(app);

  if (sdk) sdkRoutes(app, sdk);
  networkProbeRoutes(app);

  app.get('/dev/token', (req, reply) => {
    if (!config.devMode) {
      return reply
        .code(403)
        .send(errorBody(403, ErrorCode.UNAUTHORIZED_REQUEST, '/dev/token is only available in dev mode: mint tokens on your backend with the API secret'));
    }
    const query = req.query as Record<string, unknown>;
    const roomId = idSchema.safeParse(query.roomId);
    if (!roomId.success) {
      return reply.code(400).send(errorBody(400, ErrorCode.INVALID_MEETING_ID, `roomId: ${roomId.error.issues[0]?.message ?? 'required'}`));
    }
    const token = generateToken({
      apiKey: config.apiKey,
      apiSecret: config.apiSecret,
      permissions: ['allow_join', 'allow_mod'],
      roomId: roomId.data,
      expiresInSeconds: 24 * 60 * 60,
    });
    return { token };
  });

  app.get('/favicon.ico', (_req, reply) => {
    reply.code(204).send();
  });

  // `ok: false` from the server's health (no live media worker) is a 503, for load balancers.
  app.get('/health', (_req, reply) => {
    const body = { ok: true, ...health() };
    if (body.ok === false) reply.code(503);
    return body;
  });

  if (metrics && config.metricsPort === undefined) metricsRoutes(app, { scrape: metrics, token: config.metricsToken, tokenless: config.devMode ? 'open' : 'local' });

  app.setNotFoundHandler((req, reply) => {
    const refusal = preflightRefusal(req, corsOrigins);
    if (refusal) return reply.code(403).send(errorBody(403, ErrorCode.UNAUTHORIZED_REQUEST, refusal));
    reply.code(404).send(errorBody(404, ErrorCode.ERROR_INVALID_PARAMETER, `no route ${req.method} ${req.url.split('?')[0]}`));
  });
  return app;
}
