// REST auth and request-level failures: every token problem and every malformed request gets its
// status and the JSON error shape, on every endpoint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '@roomkit/protocol';
import { signJwt } from '../auth/jwt.js';
import { DEV_API_KEY, DEV_API_SECRET } from '../config/defaults.js';
import { startRestApiFixture, type RestApiFixture } from '../../test/helpers/restApiFixture.js';

let api: RestApiFixture;
beforeAll(async () => {
  api = await startRestApiFixture();
});
afterAll(async () => {
  await api?.close();
});

const ENDPOINTS: Array<['GET' | 'POST', string, unknown]> = [
  ['POST', '/v2/rooms', {}],
  ['GET', '/v2/rooms', undefined],
  ['GET', '/v2/rooms/abcd-efgh-ijkl', undefined],
  ['GET', '/v2/rooms/validate/abcd-efgh-ijkl', undefined],
  ['POST', '/v2/rooms/deactivate', { roomId: 'abcd-efgh-ijkl' }],
  ['GET', '/v2/sessions?roomId=abcd-efgh-ijkl', undefined],
  ['GET', '/v2/sessions/abc', undefined],
  ['POST', '/v2/sessions/end', { roomId: 'abcd-efgh-ijkl' }],
  ['POST', '/v2/sessions/participants/remove', { roomId: 'abcd-efgh-ijkl', participantId: 'p' }],
];

const call = (method: 'GET' | 'POST', url: string, body: unknown, token: string | null) =>
  method === 'GET' ? api.get(url, token) : api.post(url, body, token);

const expired = () =>
  signJwt({ apikey: DEV_API_KEY, permissions: ['allow_join'], version: 2, exp: Math.floor(Date.now() / 1000) - 3600 }, DEV_API_SECRET);

describe.each(ENDPOINTS)('%s %s', (method, url, body) => {
  it.each([
    ['no Authorization header', () => null, 401, ErrorCode.INVALID_TOKEN, /no token/],
    ['a malformed token', () => 'not-a-jwt', 401, ErrorCode.INVALID_TOKEN, /invalid token/],
    ['an expired token', expired, 401, ErrorCode.INVALID_TOKEN, /expired/],
    ['a token signed with another secret', () => api.token({ apiSecret: 'wrong-secret' }), 401, ErrorCode.INVALID_TOKEN, /signature/],
    ['a token for another API key', () => api.token({ apiKey: 'other-key' }), 401, ErrorCode.INVALID_API_KEY, /API key/],
    ['a token without exp outside dev mode', () => signJwt({ apikey: DEV_API_KEY, permissions: [], version: 2 }, DEV_API_SECRET), 401, ErrorCode.INVALID_TOKEN, /exp/],
  ])('with %s is refused with its status and code', async (_label, make, status, code, message) => {
    const res = await call(method, url, body, make());
    expect(res.statusCode).toBe(status);
    expect(res.json()).toEqual({ statusCode: status, error: { code, message: expect.stringMatching(message) } });
  });
});

describe('accepted tokens', () => {
  it.each([
    ['raw operator', () => api.token()],
    ['Bearer operator', () => `Bearer ${api.token()}`],
    ['crawler role', () => api.token({ roles: ['crawler'] })],
    ['rtc and crawler roles', () => `bearer ${api.token({ roles: ['rtc', 'crawler'] })}`],
  ])('GET /v2/rooms with a %s token answers 200', async (_label, make) => {
    const res = await api.get('/v2/rooms', make());
    expect(res.statusCode).toBe(200);
  });

  // Least privilege (issue #14): a meeting token is no REST admin; restAccess.test.ts covers every route.
  it.each([
    ['no roles claim (a meeting token)', () => api.token({ roles: undefined })],
    ['an rtc-only role', () => api.token({ roles: ['rtc'] })],
  ])('GET /v2/rooms with %s answers 403 UNAUTHORIZED_ROLE naming the crawler role', async (_label, make) => {
    const res = await api.get('/v2/rooms', make());
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ statusCode: 403, error: { code: ErrorCode.UNAUTHORIZED_ROLE, message: expect.stringMatching(/"crawler"/) } });
  });
});

describe('request bodies', () => {
  it('POST with invalid JSON gets 400 ERROR_INVALID_PARAMETER', async () => {
    const res = await api.post('/v2/rooms', '{not json');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ statusCode: 400, error: { code: ErrorCode.ERROR_INVALID_PARAMETER, message: expect.stringMatching(/^body: /) } });
  });

  it.each(['/v2/rooms', '/v2/rooms/deactivate', '/v2/sessions/end', '/v2/sessions/participants/remove'])(
    'POST %s with a body over 64 KB gets 413 ERROR_PAYLOAD_TOO_LARGE in the JSON error shape',
    async (url) => {
      const res = await api.post(url, { customRoomId: 'x'.repeat(70 * 1024) });
      expect(res.statusCode).toBe(413);
      expect(res.json()).toEqual({ statusCode: 413, error: { code: ErrorCode.ERROR_PAYLOAD_TOO_LARGE, message: expect.stringContaining('64 KB') } });
    },
  );

  it('POST with an unsupported content type gets 415 in the JSON error shape', async () => {
    const res = await api.app.inject({ method: 'POST', url: '/v2/rooms', headers: { authorization: api.token(), 'content-type': 'application/xml' }, payload: '<a/>' });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ statusCode: 415, error: { code: ErrorCode.ERROR_INVALID_PARAMETER } });
  });

  it('POST with a text body gets 400 saying the body must be an object', async () => {
    const res = await api.app.inject({ method: 'POST', url: '/v2/rooms', headers: { authorization: api.token(), 'content-type': 'text/plain' }, payload: 'hi' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/^body: Expected object/);
  });

  it('an unknown /v2 route gets 404 in the JSON error shape', async () => {
    const res = await api.get('/v2/nothing');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ statusCode: 404, error: { code: expect.any(Number) } });
  });
});
