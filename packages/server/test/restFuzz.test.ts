// Every REST v2 route, fed seeded random queries, path ids and bodies (ill-typed values, non-object
// JSON, invalid JSON, other content types) over real HTTP: never a 5xx, and every error is the
// documented `{statusCode, error: {code, message}}` with an API code. Bounded; FUZZ_SEED replays another.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '@roomkit/protocol';
import { generateToken } from '../src/auth/AccessToken.js';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { fuzzSeed, seededRandom } from './helpers/seededRandom.js';

let server: TestServer;
const PER_ROUTE = 25;

const ROUTES: Array<[method: string, path: string]> = [
  ['POST', '/v2/rooms'], ['GET', '/v2/rooms'], ['GET', '/v2/rooms/:id'], ['GET', '/v2/rooms/validate/:id'], ['POST', '/v2/rooms/deactivate'],
  ['GET', '/v2/sessions'], ['GET', '/v2/sessions/:id'], ['POST', '/v2/sessions/end'], ['POST', '/v2/sessions/participants/remove'],
  ['POST', '/v2/recordings/start'], ['POST', '/v2/recordings/end'], ['GET', '/v2/recordings'], ['GET', '/v2/recordings/:id'],
  ['DELETE', '/v2/recordings/:id'], ['GET', '/v2/recordings/:id/file'],
  ['POST', '/v2/recordings/participant/start'], ['POST', '/v2/recordings/participant/stop'],
  ['POST', '/v2/recordings/participant/track/start'], ['POST', '/v2/recordings/participant/track/stop'],
  ['POST', '/v2/livestreams/start'], ['POST', '/v2/livestreams/end'], ['GET', '/v2/livestreams'],
  ['POST', '/v2/hls/start'], ['POST', '/v2/hls/end'], ['GET', '/v2/hls'], ['POST', '/v2/hls/capture'],
  ['GET', '/v2/operator/live-rooms'], ['GET', '/v2/operator/webhook-deliveries'], ['POST', '/dashboard/login'],
];

const VALUES: unknown[] = [
  null, '', 'room-1', 'abc-defg-hij', '../x', '%00', '🙂'.repeat(100), 'x'.repeat(3000), -1, 0, 1, 2.5, 1e308, true, false,
  {}, [], [1, 'a'], { endPoint: 'http://127.0.0.1:9/h', events: ['session-ended', 'nope'] }, { type: 'GRID' },
  [{ url: 'rtmp://127.0.0.1/live', streamKey: 'k' }], 'audio', 'video', 'http://127.0.0.1:9/hook',
];
const FIELDS = ['roomId', 'sessionId', 'participantId', 'customRoomId', 'webhook', 'autoCloseConfig', 'config', 'webhookUrl', 'outputs', 'kind', 'awsDirPath', 'id', 'password', 'apiKey', 'apiSecret'];
const QUERY = ['page', 'perPage', 'roomId', 'sessionId', 'participantId', 'token', 'customRoomId', 'state'];

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('REST fuzz', () => {
  it(`${PER_ROUTE} random requests per route: no 5xx, errors in the documented shape`, async () => {
    const next = seededRandom(fuzzSeed());
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
    const token = generateToken({ apiKey: server.config.apiKey, apiSecret: server.config.apiSecret, permissions: ['allow_join', 'allow_mod'], roles: ['crawler'] });
    const known = new Set<number>(Object.values(ErrorCode));
    const problems: string[] = [];
    for (const [method, template] of ROUTES) {
      for (let i = 0; i < PER_ROUTE; i++) {
        const path = template.replace(':id', encodeURIComponent(String(pick(VALUES))));
        const query = new URLSearchParams();
        for (const key of QUERY) if (next() < 0.3) query.append(key, String(pick(VALUES)));
        const headers: Record<string, string> = { authorization: token };
        let body: string | undefined;
        if (method !== 'GET' && method !== 'DELETE') {
          const shape = next();
          if (shape < 0.7) {
            const object: Record<string, unknown> = {};
            for (const field of FIELDS) if (next() < 0.35) object[field] = pick(VALUES);
            body = JSON.stringify(object);
          } else if (shape < 0.85) body = JSON.stringify(pick(VALUES));
          else body = '{"roomId": ';
          headers['content-type'] = next() < 0.9 ? 'application/json' : 'text/plain';
        }
        const url = `${server.url}${path}${query.size ? `?${query}` : ''}`;
        const res = await fetch(url, { method, headers, ...(body !== undefined && { body }) });
        const text = await res.text();
        const label = `${method} ${path.slice(0, 80)}?${String(query).slice(0, 80)} ${body?.slice(0, 120) ?? ''} -> ${res.status} ${text.slice(0, 160)}`;
        if (res.status >= 500) {
          problems.push(label);
          continue;
        }
        if (res.status >= 400) {
          let parsed: { statusCode?: number; error?: { code?: number; message?: string } } = {};
          try {
            parsed = JSON.parse(text);
          } catch {
            /* reported below */
          }
          if (parsed.statusCode !== res.status || !known.has(parsed.error?.code ?? -1) || !parsed.error?.message) problems.push(label);
        }
      }
    }
    expect(problems).toEqual([]);
    expect((await fetch(`${server.url}/health`).then((r) => r.json())).ok).toBe(true);
  }, 120_000);
});
