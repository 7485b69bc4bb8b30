import { afterEach, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { ErrorCode } from '@roomkit/protocol';
import { metricsRoutes, type MetricsRouteOptions } from './metricsRoutes.js';

const TOKEN = 'a-metrics-token-of-some-length';
const scrape = async () => ({ contentType: 'text/plain; version=0.0.4; charset=utf-8', text: 'roomkit_rooms 0\n' });
let app: FastifyInstance | null = null;

function appWith(opts: Omit<MetricsRouteOptions, 'scrape'>): FastifyInstance {
  app = Fastify({ logger: false });
  metricsRoutes(app, { scrape, ...opts });
  return app;
}

afterEach(async () => {
  await app?.close();
  app = null;
});

const refused = { statusCode: 401, error: { code: ErrorCode.UNAUTHORIZED_REQUEST, message: expect.any(String) } };

describe('GET /metrics access', () => {
  it('with a token: answers the right bearer token from anywhere, 401s no, garbage, wrong-scheme and near-miss tokens', async () => {
    const a = appWith({ token: TOKEN, tokenless: 'local' });
    const ok = await a.inject({ url: '/metrics', remoteAddress: '203.0.113.7', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe('roomkit_rooms 0\n');
    expect(ok.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const authorization of [undefined, 'Bearer', 'Bearer nope', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, 'Bearer \u0000\u00ff', 'x'.repeat(8000)]) {
      const res = await a.inject({ url: '/metrics', remoteAddress: '127.0.0.1', headers: authorization === undefined ? {} : { authorization } });
      expect(res.statusCode, String(authorization).slice(0, 40)).toBe(401);
      expect(res.json()).toEqual(refused);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="metrics"');
    }
  });

  it('production without a token: answers loopback peers, refuses other addresses and anything a proxy forwarded', async () => {
    const a = appWith({ tokenless: 'local' });
    for (const remoteAddress of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) expect((await a.inject({ url: '/metrics', remoteAddress })).statusCode).toBe(200);
    for (const remoteAddress of ['203.0.113.7', '10.0.0.2', '::ffff:10.0.0.2', 'fe80::1']) {
      const res = await a.inject({ url: '/metrics', remoteAddress });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual(refused);
      expect(res.json().error.message).toMatch(/metricsToken/);
    }
    for (const headers of [{ 'x-forwarded-for': '203.0.113.7' }, { forwarded: 'for=203.0.113.7' }]) {
      expect((await a.inject({ url: '/metrics', remoteAddress: '127.0.0.1', headers })).statusCode).toBe(401);
    }
  });

  it('dev mode (or the metrics port) without a token: answers anyone who reaches it', async () => {
    const a = appWith({ tokenless: 'open' });
    expect((await a.inject({ url: '/metrics', remoteAddress: '203.0.113.7' })).statusCode).toBe(200);
  });
});
