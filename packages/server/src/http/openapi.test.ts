// /v2/openapi.json against the routes the server actually registers: every /v2 route is described
// (and nothing else), with the schemas that validate it — a body's required fields are the ones whose
// absence the route refuses — and the human page at /v2/docs is served from local files.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '@roomkit/protocol';
import { generateToken } from '../auth/AccessToken.js';
import { DEV_API_KEY, DEV_API_SECRET } from '../config/defaults.js';
import { SqliteStore } from '../store/SqliteStore.js';
import { FakeRooms, standInEgress, startRestApiFixture } from '../../test/helpers/restApiFixture.js';
import { restApi } from '../api/restApi.js';
import { API_DOCS_PATH, OPENAPI_PATH, registerOpenApi } from './openapi.js';

interface Operation {
  description?: string;
  parameters?: Array<{ name: string; in: string; required?: boolean }>;
  requestBody?: { content: { 'application/json': { schema: { required?: string[]; properties?: Record<string, unknown> } } } };
  responses: Record<string, unknown>;
  security?: unknown[];
}
type Doc = { openapi: string; info: { title: string }; paths: Record<string, Record<string, Operation>> };

let app: FastifyInstance;
let store: SqliteStore;
let dataDir: string;
let doc: Doc;
const routes: string[] = [];
const operator = generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join'], roles: ['crawler'] });

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'roomkit-openapi-'));
  store = new SqliteStore({ file: join(dataDir, 'roomkit.db'), requireRoomCreation: false });
  app = Fastify({ logger: false });
  app.addHook('onRoute', (route: RouteOptions) => {
    if (route.method !== 'HEAD' && route.url.startsWith('/v2/') && route.config?.access) routes.push(`${String(route.method)} ${route.url}`);
  });
  registerOpenApi(app, '9.9.9');
  await app.register(restApi, { store, rooms: new FakeRooms(store), auth: { apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, devMode: false }, ...standInEgress(dataDir) });
  await app.ready();
  const res = await app.inject({ method: 'GET', url: OPENAPI_PATH });
  expect(res.statusCode).toBe(200);
  doc = res.json() as Doc;
});

afterAll(async () => {
  await app?.close();
  await store?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

describe('/v2/openapi.json', () => {
  it('is OpenAPI 3 and describes exactly the registered /v2 routes, each with its access rule and error shape', () => {
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info).toMatchObject({ title: 'Roomkit REST API v2', version: '9.9.9' });
    expect(routes.length).toBeGreaterThan(30);
    const described = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(described.sort()).toEqual(routes.map((r) => { const [m, u] = r.split(' '); return `${m} ${openApiPath(u!)}`; }).sort());
    for (const ops of Object.values(doc.paths)) {
      for (const op of Object.values(ops)) {
        expect(op.description).toMatch(/^Access: /);
        expect(op.security).toEqual([{ roomkitToken: [] }]);
        expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['4XX', '5XX']));
      }
    }
  });

  it('gives path parameters, query parameters and bodies from the zod schemas', () => {
    const room = doc.paths['/v2/rooms/{roomId}']!.get!;
    expect(room.parameters).toContainEqual(expect.objectContaining({ name: 'roomId', in: 'path', required: true }));
    const list = doc.paths['/v2/rooms']!.get!;
    expect(list.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual(expect.arrayContaining(['query:page', 'query:perPage']));
    const create = doc.paths['/v2/rooms']!.post!.requestBody!.content['application/json'].schema;
    expect(Object.keys(create.properties ?? {})).toEqual(expect.arrayContaining(['customRoomId', 'webhook', 'autoCloseConfig']));
    const start = doc.paths['/v2/recordings/start']!.post!.requestBody!.content['application/json'].schema;
    expect(start.required).toContain('roomId');
  });

  it('documents as required exactly the body fields the route refuses to go without', async () => {
    let checked = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      const post = ops.post;
      const required = post?.requestBody?.content['application/json'].schema.required ?? [];
      if (!post || required.length === 0) continue;
      const res = await app.inject({ method: 'POST', url: path, headers: { authorization: operator, 'content-type': 'application/json' }, payload: '{}' });
      expect(res.statusCode, path).toBe(400);
      const { error } = res.json() as { error: { code: number; message: string } };
      expect(error.code).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
      expect(required, `${path}: ${error.message}`).toContain(error.message.split(':')[0]);
      checked++;
    }
    expect(checked).toBeGreaterThan(8);
  });

  it('is served without a token; the REST routes it describes still need one', async () => {
    const fixture = await startRestApiFixture();
    try {
      const open = await fixture.app.inject({ method: 'GET', url: OPENAPI_PATH });
      expect(open.statusCode).toBe(200);
      expect(Object.keys((open.json() as Doc).paths)).toContain('/v2/sessions/{sessionId}');
      const refused = await fixture.get('/v2/rooms', null);
      expect(refused.statusCode).toBe(401);
    } finally {
      await fixture.close();
    }
  });
});

describe(`${API_DOCS_PATH} (the reference page)`, () => {
  it('serves Swagger UI from local files, pointed at this description, with no outside validator', async () => {
    const page = await app.inject({ method: 'GET', url: `${API_DOCS_PATH}/` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).not.toMatch(/https?:\/\/(?!localhost)[a-z]/i);
    const init = await app.inject({ method: 'GET', url: `${API_DOCS_PATH}/static/swagger-initializer.js` });
    expect(init.statusCode).toBe(200);
    expect(init.body).toContain('validatorUrl: null'); // swagger.io's online validator is never called
    expect(init.body).toContain("resolveUrl('./json')");
    const json = await app.inject({ method: 'GET', url: `${API_DOCS_PATH}/json` });
    expect(json.json()).toEqual(doc);
    const bundle = await app.inject({ method: 'GET', url: `${API_DOCS_PATH}/static/swagger-ui-bundle.js` });
    expect(bundle.statusCode).toBe(200);
    expect(bundle.body.length).toBeGreaterThan(100_000);
  });
});
