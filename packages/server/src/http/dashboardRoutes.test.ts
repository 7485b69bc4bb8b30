// The operator dashboard's edge, in process: the login (API key and secret, or dashboardPassword;
// wrong, garbage, flooded), what the token it answers may read, what an attacker's tokens may not,
// the static files with their security headers, and the webhook outbox read through its route.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '@roomkit/protocol';
import { generateToken } from '../auth/AccessToken.js';
import type { Config } from '../config/schema.js';
import { DEV_API_KEY, DEV_API_SECRET } from '../config/defaults.js';
import { SqliteStore } from '../store/SqliteStore.js';
import { SqliteWebhookOutbox } from '../webhooks/SqliteWebhookOutbox.js';
import { FakeRooms } from '../../test/helpers/restApiFixture.js';
import { createHttpApp } from './createHttpApp.js';
import { DASHBOARD_LOGINS_PER_MINUTE } from './dashboardRoutes.js';

const API_KEY = 'prod-key';
const API_SECRET = 'a-production-secret-of-enough-length-0123456789';
const PASSWORD = 'correct horse battery';

let app: FastifyInstance;
let store: SqliteStore;
let dataDir: string;
let outbox: SqliteWebhookOutbox;

async function start(config: Partial<Config> = {}) {
  dataDir = mkdtempSync(join(tmpdir(), 'roomkit-dash-'));
  store = new SqliteStore({ file: join(dataDir, 'roomkit.db'), requireRoomCreation: false });
  outbox = new SqliteWebhookOutbox(store.database);
  const full = { apiKey: API_KEY, apiSecret: API_SECRET, devMode: false, dataDir, dashboardPassword: PASSWORD, ...config } as Config;
  app = createHttpApp({
    config: full, health: () => ({}), store, rooms: new FakeRooms(store),
    operator: {
      liveRooms: () => ({ total: 1, rooms: [{ roomId: 'r1', sessionId: 's1', participants: [{ id: 'p1', name: 'Ada', mode: 'SEND_AND_RECV', streams: ['audio'], joinedAt: new Date() }] }] }),
      latestQuality: () => ({ sessionId: 's1', roomId: 'r1', participantId: 'p1', at: new Date(), source: 'server', send: { audio: { lossPct: 5, jitterMs: 3, bitrateBps: 32000, rttMs: 12, packets: 250 } as never }, recv: {}, audioScore: 3.6, videoScore: null }),
      deliveries: outbox,
    },
  });
  await app.ready();
}

afterEach(async () => {
  await app?.close();
  await store?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const login = (body: unknown, ip = '10.0.0.1') =>
  app.inject({ method: 'POST', url: '/dashboard/login', remoteAddress: ip, headers: { 'content-type': 'application/json' }, payload: typeof body === 'string' ? body : JSON.stringify(body) });
const get = (url: string, authorization?: string) => app.inject({ method: 'GET', url, headers: authorization ? { authorization } : {} });

describe('POST /dashboard/login', () => {
  it('the API key and secret, or the password, answer a 1-hour operator token that reads the operator routes', async () => {
    await start();
    for (const body of [{ apiKey: API_KEY, apiSecret: API_SECRET }, { password: PASSWORD }]) {
      const res = await login(body);
      expect(res.statusCode).toBe(200);
      const { token, expiresAt } = res.json();
      const ttl = Date.parse(expiresAt) - Date.now();
      expect(ttl).toBeGreaterThan(59 * 60_000);
      expect(ttl).toBeLessThanOrEqual(60 * 60_000);
      const live = await get('/v2/operator/live-rooms', token);
      expect(live.statusCode).toBe(200);
      expect(live.json().data[0].participants[0]).toMatchObject({ name: 'Ada', quality: { audioScore: 3.6, send: { audio: { lossPct: 5, rttMs: 12 } } } });
      // No cookie is ever set: the page keeps the token and sends it as Authorization (no CSRF).
      expect(res.headers['set-cookie']).toBeUndefined();
    }
  });

  it.each([
    ['a wrong password', { password: 'correct horse battery!' }, 401],
    ['a wrong secret', { apiKey: API_KEY, apiSecret: `${API_SECRET}x` }, 401],
    ['a wrong key', { apiKey: 'other', apiSecret: API_SECRET }, 401],
    ['the dev credentials on a production server', { apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET }, 401],
    ['an empty password', { password: '' }, 400],
    ['both forms mixed', { password: PASSWORD, apiKey: API_KEY }, 400],
    ['a password that is not a string', { password: 12 }, 400],
    ['garbage JSON', '{nope', 400],
    ['a 10 KB password', { password: 'x'.repeat(10_000) }, 413],
  ])('%s is refused with a 4xx and no token', async (_label, body, status) => {
    await start();
    const res = await login(body);
    expect(res.statusCode).toBe(status);
    expect(res.json().token).toBeUndefined();
    expect(res.json().error.code).toBeTypeOf('number');
  });

  it('a password login when no dashboardPassword is configured is refused, saying so', async () => {
    await start({ dashboardPassword: undefined });
    const res = await login({ password: 'anything-at-all-long' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toMatch(/no dashboardPassword/);
    expect((await get('/dashboard/config')).json()).toEqual({ devMode: false, passwordLogin: false });
  });

  it('a flood of logins from one address gets 429 RATE_LIMITED, even with the right password; another address still signs in', async () => {
    await start();
    const codes: number[] = [];
    for (let i = 0; i < DASHBOARD_LOGINS_PER_MINUTE + 5; i++) codes.push((await login({ password: `guess-number-${i}` }, '10.0.0.7')).statusCode);
    expect(codes.slice(0, DASHBOARD_LOGINS_PER_MINUTE).every((c) => c === 401)).toBe(true);
    expect(codes.slice(DASHBOARD_LOGINS_PER_MINUTE).every((c) => c === 429)).toBe(true);
    const right = await login({ password: PASSWORD }, '10.0.0.7');
    expect(right.statusCode).toBe(429);
    expect(right.json().error.code).toBe(ErrorCode.RATE_LIMITED);
    expect((await login({ password: PASSWORD }, '10.0.0.8')).statusCode).toBe(200);
  });
});

describe('what an attacker gets from the operator routes', () => {
  const guest = () => generateToken({ apiKey: API_KEY, apiSecret: API_SECRET, permissions: ['allow_join', 'allow_mod'], roomId: 'r1' });
  it.each([
    ['no token', undefined, 401],
    ['garbage', 'garbage', 401],
    ['a token signed with the dev secret', generateToken({ apiKey: API_KEY, apiSecret: DEV_API_SECRET, permissions: [], roles: ['crawler'] }), 401],
    ["a room moderator's meeting token", 'guest', 403],
    ["a guest's meeting token (allow_join, no room)", generateToken({ apiKey: API_KEY, apiSecret: API_SECRET, permissions: ['allow_join'] }), 403],
  ])('%s: refused (401/403) on both routes, nothing listed', async (_label, authorization, status) => {
    await start();
    for (const url of ['/v2/operator/live-rooms', '/v2/operator/webhook-deliveries']) {
      const res = await get(url, authorization === 'guest' ? guest() : authorization);
      expect(res.statusCode).toBe(status);
      expect(res.body).not.toContain('Ada');
    }
  });
});

describe('the dashboard files', () => {
  it('/dashboard redirects to the page, served with a CSP that allows only its own files, no framing, no referrer', async () => {
    await start();
    expect((await get('/dashboard')).statusCode).toBe(301);
    const page = await get('/dashboard/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'.*frame-ancestors 'none'/);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers.etag).toBeTruthy();
    expect((await app.inject({ method: 'GET', url: '/dashboard/', headers: { 'if-none-match': String(page.headers.etag) } })).statusCode).toBe(304);
    expect((await get('/dashboard/js/app.js')).headers['content-type']).toMatch(/javascript/);
    expect((await get('/dashboard/../package.json')).statusCode).toBe(404);
  });

  it('/dashboard/config prefills the dev credentials in dev mode only', async () => {
    await start({ devMode: true, apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET });
    expect((await get('/dashboard/config')).json()).toEqual({ devMode: true, passwordLogin: true, devCredentials: { apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET } });
  });
});

describe('GET /v2/operator/webhook-deliveries', () => {
  it('lists the outbox newest first with pending / retrying / delivered / abandoned, filtered and paged', async () => {
    await start();
    const body = (type: string) => JSON.stringify({ webhookType: type, data: { meetingId: 'r1', sessionId: 's1' } });
    const t = Date.now();
    for (const [i, type] of ['session-started', 'participant-joined', 'participant-left', 'session-ended'].entries()) {
      outbox.enqueue({ id: `d${i}`, roomId: 'r1', url: 'http://hooks.example/in', body: body(type), createdAt: t + i });
    }
    await outbox.markDelivered('d0', 1);
    await outbox.markRetry('d1', 2, t + 60_000, 'HTTP 503 from http://hooks.example/in');
    await outbox.markFailed('d2', 8, 'connect ECONNREFUSED');
    const token = (await login({ password: PASSWORD })).json().token;
    const all = (await get('/v2/operator/webhook-deliveries', token)).json();
    expect(all.pageInfo.total).toBe(4);
    expect(all.data.map((d: { id: string; state: string; event: string }) => [d.id, d.state, d.event])).toEqual([
      ['d3', 'pending', 'session-ended'], ['d2', 'abandoned', 'participant-left'], ['d1', 'retrying', 'participant-joined'], ['d0', 'delivered', 'session-started'],
    ]);
    expect(all.data[2]).toMatchObject({ attempts: 2, nextAttemptAt: new Date(t + 60_000).toISOString(), lastError: 'HTTP 503 from http://hooks.example/in' });
    expect(all.data[1].nextAttemptAt).toBeNull();
    const retrying = (await get('/v2/operator/webhook-deliveries?state=retrying', token)).json();
    expect(retrying.data.map((d: { id: string }) => d.id)).toEqual(['d1']);
    const page2 = (await get('/v2/operator/webhook-deliveries?perPage=3&page=2', token)).json();
    expect(page2.data.map((d: { id: string }) => d.id)).toEqual(['d0']);
    expect((await get('/v2/operator/webhook-deliveries?state=lost', token)).statusCode).toBe(400);
    expect((await get('/v2/operator/webhook-deliveries?perPage=1000', token)).statusCode).toBe(400);
  });

  it('both operator routes are in /v2/openapi.json, the deliveries with their state parameter', async () => {
    await start();
    const doc = (await get('/v2/openapi.json')).json();
    expect(doc.paths['/v2/operator/live-rooms'].get).toBeDefined();
    const params = doc.paths['/v2/operator/webhook-deliveries'].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(expect.arrayContaining(['state', 'page', 'perPage']));
  });
});
