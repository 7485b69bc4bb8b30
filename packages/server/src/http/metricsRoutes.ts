// GET /metrics: who may read it. With `metricsToken` set, only `Authorization: Bearer <token>`
// (on either listener). Without one: on the metrics port (bound to loopback by default) anyone who
// reaches it; on the main port, anyone in dev mode and, in production, only this host (a loopback
// peer that is not a proxy forwarding someone else's request), so a server on 0.0.0.0 does not hand
// its metrics to the internet. Refusals are 401s in the API's error shape.
import { timingSafeEqual, createHash } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { ErrorCode } from '@roomkit/protocol';

export interface MetricsRouteOptions {
  scrape: () => Promise<{ contentType: string; text: string }>;
  token?: string | undefined;
  /** Without a token: 'open' = anyone who reaches the listener, 'local' = loopback peers only. */
  tokenless: 'open' | 'local';
}

const digest = (s: string) => createHash('sha256').update(s).digest();
const isLoopback = (address: string | undefined) => !!address && (address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.'));

function refusal(req: FastifyRequest, opts: MetricsRouteOptions): string | null {
  if (opts.token !== undefined) {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer +(\S+)\s*$/i.exec(header);
    // Compared as digests: constant time whatever the lengths.
    if (!match || !timingSafeEqual(digest(match[1]!), digest(opts.token))) {
      return header ? 'authorization: not the metrics token' : 'authorization: send "Authorization: Bearer <metricsToken>"';
    }
    return null;
  }
  if (opts.tokenless === 'open') return null;
  const forwarded = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined;
  if (isLoopback(req.socket.remoteAddress) && !forwarded) return null;
  return '/metrics answers only this host in production: set metricsToken (ROOMKIT_METRICS_TOKEN) to scrape it from elsewhere, or metricsPort (ROOMKIT_METRICS_PORT) for a listener of its own';
}

export function metricsRoutes(app: FastifyInstance, opts: MetricsRouteOptions): void {
  app.get('/metrics', async (req, reply) => {
    const refused = refusal(req, opts);
    if (refused) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="metrics"')
        .send({ statusCode: 401, error: { code: ErrorCode.UNAUTHORIZED_REQUEST, message: refused } });
    }
    const { contentType, text } = await opts.scrape();
    return reply.type(contentType).header('cache-control', 'no-cache').send(text);
  });
}

/** Where the metrics listener binds unless `metricsBind` says otherwise. */
export const DEFAULT_METRICS_BIND = '127.0.0.1';

/** The `metricsPort` listener: /metrics only (no token: open to whoever reaches metricsBind). */
export async function listenMetrics(opts: { port: number; bind?: string | undefined; token?: string | undefined; scrape: MetricsRouteOptions['scrape'] }): Promise<{ app: FastifyInstance; url: string }> {
  const app = Fastify({ logger: false, requestTimeout: 30_000 });
  metricsRoutes(app, { scrape: opts.scrape, token: opts.token, tokenless: 'open' });
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({ statusCode: 404, error: { code: ErrorCode.ERROR_INVALID_PARAMETER, message: `no route ${req.method} ${req.url.split('?')[0]}: this port serves only GET /metrics` } });
  });
  const host = opts.bind ?? DEFAULT_METRICS_BIND;
  await app.listen({ port: opts.port, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return { app, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}` };
}
