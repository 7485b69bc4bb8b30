// The REST 500 log line names the request path, never its query: download links carry the token
// in `?token=`. The real HTTP app on a loopback port, with a recording store that fails.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ErrorCode } from '@roomkit/protocol';
import { generateToken } from '../src/auth/AccessToken.js';
import { DEV_API_KEY, DEV_API_SECRET } from '../src/config/defaults.js';
import type { Config } from '../src/config/schema.js';
import { createHttpApp } from '../src/http/createHttpApp.js';
import type { RestApiDeps } from '../src/api/restApi.js';

const logged = vi.hoisted(() => [] as Array<Record<string, unknown>>);
vi.mock('../src/logger.js', async () => {
  const { default: pino } = await import('pino');
  const root = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
  return { logger: (module: string) => root.child({ module: `roomkit:${module}` }), configureLogging: () => {} };
});

const token = generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join'], roles: ['crawler'] });
let app: FastifyInstance;
let url: string;

beforeAll(async () => {
  const config = { apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, devMode: false, dataDir: '/nonexistent' } as Config;
  const failing = async () => {
    throw new Error('disk on fire');
  };
  const store = { getRoom: failing } as unknown as RestApiDeps['store'];
  const recordings = { recordings: { get: failing }, service: {}, dataDir: '/nonexistent' } as unknown as RestApiDeps['recordings'];
  app = createHttpApp({ config, health: () => ({}), store, rooms: {} as RestApiDeps['rooms'], recordings });
  url = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app?.close();
});

describe('REST 500 log', () => {
  it('for a failing download with ?token= logs the path and method, and no token', async () => {
    const res = await fetch(`${url}/v2/recordings/rec-1/file?token=${token}`);
    expect(res.status).toBe(500);
    expect((await res.json()).error.code).toBe(ErrorCode.SOMETHING_WENT_WRONG);
    const line = logged.find((l) => l.msg === 'REST request failed');
    expect(line).toMatchObject({ module: 'roomkit:api', method: 'GET', path: '/v2/recordings/rec-1/file', err: { message: 'disk on fire' } });
    expect(JSON.stringify(logged)).not.toContain(token);
    expect(JSON.stringify(logged)).not.toContain('?token=');
  });
});
