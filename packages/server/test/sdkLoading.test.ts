// How the SDK files and the REST API answer a browser on another origin, over real HTTP: plain vs
// versioned URLs (ETag/304, cache-control, content types), source maps, the manifest, CORS (any
// origin by default; a configured list allows one origin and refuses another), bad inputs.
import { Script } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '@roomkit/protocol';
import { generateToken } from '../src/auth/AccessToken.js';
import { DEV_API_KEY, DEV_API_SECRET } from '../src/config/defaults.js';
import { configureLogging } from '../src/logger.js';
import { startTestServer, type TestServer } from './helpers/testServer.js';

configureLogging('error');

const token = generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join', 'allow_mod'] });
/** The operator's backend: listing rooms is the crawler role's. */
const operatorToken = generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: [], roles: ['crawler'] });
const APP = 'http://127.0.0.1:5173';
const OTHER = 'http://127.0.0.1:6006';

let open: TestServer;
let restricted: TestServer;
beforeAll(async () => {
  open = await startTestServer({ mediaWorkers: 0, logLevel: 'error' });
  restricted = await startTestServer({ mediaWorkers: 0, logLevel: 'error', corsOrigins: [APP] });
}, 60_000);
afterAll(async () => {
  await Promise.allSettled([open?.stop(), restricted?.stop()]);
});

interface Manifest {
  version: string;
  files: Record<'videosdk.js' | 'videosdk.mjs', { url: string; integrity: string }>;
}

async function manifest(server: TestServer): Promise<Manifest> {
  const res = await fetch(`${server.url}/sdk/manifest.json`);
  expect(res.status).toBe(200);
  return (await res.json()) as Manifest;
}

const preflight = (server: TestServer, path: string, origin: string, method = 'POST') =>
  fetch(`${server.url}${path}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization,content-type' },
  });

describe('SDK files', () => {
  it('GET /sdk/videosdk.js: a minified classic script (no export statements), revalidated by a strong ETag', async () => {
    const res = await fetch(`${open.url}/sdk/videosdk.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^"[^"]+"$/); // strong: no W/
    const body = await res.text();
    expect(() => new Script(body)).not.toThrow(); // parses as a classic script
    expect(body).toContain('globalThis.VideoSDK=');
    expect(body.split('\n').length).toBeLessThan(10); // minified
    expect(body.trimEnd().endsWith('//# sourceMappingURL=videosdk.js.map')).toBe(true);
    const head = await fetch(`${open.url}/sdk/videosdk.js`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(etag);
    expect(head.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('GET /sdk/videosdk.mjs: a minified ES module exporting VideoSDK, not loadable as a classic script', async () => {
    const res = await fetch(`${open.url}/sdk/videosdk.mjs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const body = await res.text();
    expect(() => new Script(body)).toThrow(SyntaxError);
    expect(body).toMatch(/export\{[^}]*\bas VideoSDK\b/);
    expect(body.split('\n').length).toBeLessThan(10);
    expect(body.trimEnd().endsWith('//# sourceMappingURL=videosdk.mjs.map')).toBe(true);
  });

  it('If-None-Match with the current ETag (alone, weak-prefixed or in a list) → 304 without a body; a stale one → 200', async () => {
    for (const name of ['videosdk.js', 'videosdk.mjs', 'videosdk.js.map', 'manifest.json']) {
      const first = await fetch(`${open.url}/sdk/${name}`);
      const etag = first.headers.get('etag')!;
      expect(etag, name).toBeTruthy();
      for (const ifNoneMatch of [etag, `W/${etag}`, `"stale", ${etag}`, '*']) {
        const again = await fetch(`${open.url}/sdk/${name}`, { headers: { 'if-none-match': ifNoneMatch } });
        expect(again.status, `${name} ${ifNoneMatch}`).toBe(304);
        expect(again.headers.get('etag')).toBe(etag);
        expect(again.headers.get('cache-control')).toBe('no-cache');
        expect(await again.text()).toBe('');
      }
      const stale = await fetch(`${open.url}/sdk/${name}`, { headers: { 'if-none-match': '"stale"' } });
      expect(stale.status).toBe(200);
      expect((await stale.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
  });

  it('compressed when the client takes it (br first, then gzip), as its own representation: own ETag, Vary: Accept-Encoding', async () => {
    const identity = await fetch(`${open.url}/sdk/videosdk.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(identity.headers.get('content-encoding')).toBeNull();
    const plainTag = identity.headers.get('etag')!;
    const text = await identity.text();
    for (const [accept, encoding] of [['br', 'br'], ['gzip, deflate, br', 'br'], ['gzip, br;q=0', 'gzip'], ['deflate', null]] as const) {
      const res = await fetch(`${open.url}/sdk/videosdk.js`, { headers: { 'accept-encoding': accept } });
      expect(res.headers.get('content-encoding'), accept).toBe(encoding);
      expect(res.headers.get('vary')).toMatch(/accept-encoding/i);
      expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      if (encoding) expect(Number(res.headers.get('content-length'))).toBeLessThan(text.length / 2);
      const tag = res.headers.get('etag')!;
      expect(tag === plainTag).toBe(encoding === null);
      expect(await res.text()).toBe(text); // fetch decodes it: the same script
      const again = await fetch(`${open.url}/sdk/videosdk.js`, { headers: { 'accept-encoding': accept, 'if-none-match': tag } });
      expect(again.status).toBe(304);
    }
    // An identity validator does not stand for the brotli bytes.
    const other = await fetch(`${open.url}/sdk/videosdk.js`, { headers: { 'accept-encoding': 'br', 'if-none-match': plainTag } });
    expect(other.status).toBe(200);
  });

  it('the manifest names versioned URLs (relative to it) that serve the same bytes, immutable for a year', async () => {
    const m = await manifest(open);
    expect(m.version).toMatch(/^[0-9a-f]{16}$/);
    for (const name of ['videosdk.js', 'videosdk.mjs'] as const) {
      const url = new URL(m.files[name].url, `${open.url}/sdk/manifest.json`).href;
      expect(url).toBe(`${open.url}/sdk/${m.version}/${name}`);
      const versioned = await fetch(url);
      expect(versioned.status).toBe(200);
      expect(versioned.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(versioned.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      const bytes = Buffer.from(await versioned.arrayBuffer());
      const plain = Buffer.from(await (await fetch(`${open.url}/sdk/${name}`)).arrayBuffer());
      expect(bytes.equals(plain)).toBe(true);
      expect(m.files[name].integrity).toMatch(/^sha384-[A-Za-z0-9+/]+=*$/);
      const revalidated = await fetch(url, { headers: { 'if-none-match': versioned.headers.get('etag')! } });
      expect(revalidated.status).toBe(304);
    }
  });

  it('each build\'s source map loads beside it (plain and versioned URL) as JSON with the client sources', async () => {
    const { version } = await manifest(open);
    for (const name of ['videosdk.js', 'videosdk.mjs']) {
      for (const scriptUrl of [`${open.url}/sdk/${name}`, `${open.url}/sdk/${version}/${name}`]) {
        const script = await (await fetch(scriptUrl)).text();
        const ref = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(script)![1]!;
        const res = await fetch(new URL(ref, scriptUrl));
        expect(res.status, scriptUrl).toBe(200);
        expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
        const map = (await res.json()) as { version: number; sources: string[]; sourcesContent: string[]; mappings: string };
        expect(map.version).toBe(3);
        expect(map.sources.some((s) => s.endsWith('src/Meeting.ts'))).toBe(true);
        expect(map.sourcesContent.length).toBe(map.sources.length);
        expect(map.mappings.length).toBeGreaterThan(1000);
      }
    }
  });

  it('an unknown version or file → 404 in the API error shape naming what is served', async () => {
    const { version } = await manifest(open);
    const oldVersion = await fetch(`${open.url}/sdk/0123456789abcdef/videosdk.js`, { headers: { origin: APP } });
    expect(oldVersion.status).toBe(404);
    expect(oldVersion.headers.get('access-control-allow-origin')).toBe('*'); // the page can read why
    const body = (await oldVersion.json()) as { statusCode: number; error: { code: number; message: string } };
    expect(body.statusCode).toBe(404);
    expect(body.error.code).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
    expect(body.error.message).toContain(version);
    expect(body.error.message).toContain('/sdk/manifest.json');
    for (const path of [`/sdk/${version}/other.js`, '/sdk/videosdk.cjs', `/sdk/${version}/videosdk.js/x`, `/sdk/${'a'.repeat(200)}/videosdk.js`]) {
      const res = await fetch(`${open.url}${path}`);
      expect([404, 414], path).toContain(res.status);
      const json = (await res.json()) as { statusCode: number; error: { code: number } };
      expect(json.statusCode).toBe(res.status);
      expect(json.error.code).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
    }
  });
});

describe('CORS, default (any origin)', () => {
  it('the SDK files carry Access-Control-Allow-Origin: * (module imports and crossorigin scripts work from any page)', async () => {
    for (const name of ['videosdk.js', 'videosdk.mjs', 'videosdk.mjs.map', 'manifest.json']) {
      const res = await fetch(`${open.url}/sdk/${name}`, { headers: { origin: APP } });
      expect(res.headers.get('access-control-allow-origin'), name).toBe('*');
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('preflight OPTIONS /v2/rooms for Authorization and Content-Type → 204 allowing them, on every method the API uses', async () => {
    for (const method of ['GET', 'POST', 'DELETE']) {
      const res = await preflight(open, method === 'DELETE' ? '/v2/recordings/some-id' : '/v2/rooms', APP, method);
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      const methods = res.headers.get('access-control-allow-methods')!.split(/,\s*/);
      expect(methods).toEqual(expect.arrayContaining(['GET', 'HEAD', 'POST', 'DELETE']));
      const headers = res.headers.get('access-control-allow-headers')!.toLowerCase().split(/,\s*/);
      expect(headers).toEqual(expect.arrayContaining(['authorization', 'content-type']));
      expect(Number(res.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    }
  });

  it('POST /v2/rooms from another origin with a token → 200 a page can read; without one → 401 in the API shape, also readable', async () => {
    const ok = await fetch(`${open.url}/v2/rooms`, { method: 'POST', headers: { origin: APP, authorization: token, 'content-type': 'application/json' }, body: '{}' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('*');
    expect(((await ok.json()) as { roomId: string }).roomId).toBeTruthy();

    const refused = await fetch(`${open.url}/v2/rooms`, { method: 'POST', headers: { origin: APP, 'content-type': 'application/json' }, body: '{}' });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
    const body = (await refused.json()) as { statusCode: number; error: { code: number; message: string } };
    expect(body.statusCode).toBe(401);
    expect(typeof body.error.code).toBe('number');
    expect(body.error.message.length).toBeGreaterThan(0);

    const unknown = await fetch(`${open.url}/v2/no-such-route`, { headers: { origin: APP, authorization: token } });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('access-control-allow-origin')).toBe('*');

    // Refused by the router itself, before any hook: still readable.
    const tooLong = await fetch(`${open.url}/v2/rooms/${'r'.repeat(150)}`, { headers: { origin: APP, authorization: token } });
    expect(tooLong.status).toBe(414);
    expect(tooLong.headers.get('access-control-allow-origin')).toBe('*');
    expect(((await tooLong.json()) as { statusCode: number }).statusCode).toBe(414);
  });

  it('paths outside /sdk and /v2 stay same-origin (no CORS headers; a preflight to them → 403 saying so)', async () => {
    const res = await fetch(`${open.url}/dev/token?roomId=r1`, { headers: { origin: APP } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await preflight(open, '/dev/token', APP, 'GET');
    expect(pre.status).toBe(403);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await pre.json()) as { error: { message: string } }).error.message).toContain('only /sdk/ and /v2/');
  });

  it('OPTIONS that is not a preflight (no Origin) → 404 in the API shape, not a CORS reply', async () => {
    const res = await fetch(`${open.url}/v2/rooms`, { method: 'OPTIONS' });
    expect(res.status).toBe(404);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await res.json()) as { statusCode: number }).statusCode).toBe(404);
  });
});

describe('CORS, a configured origin list', () => {
  it('the listed origin gets its own origin back (and Vary: Origin) on SDK files, preflights and API calls', async () => {
    const sdk = await fetch(`${restricted.url}/sdk/videosdk.mjs`, { headers: { origin: APP } });
    expect(sdk.headers.get('access-control-allow-origin')).toBe(APP);
    expect(sdk.headers.get('vary')).toMatch(/origin/i);
    const pre = await preflight(restricted, '/v2/rooms', APP);
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(APP);
    const created = await fetch(`${restricted.url}/v2/rooms`, { method: 'POST', headers: { origin: APP, authorization: token, 'content-type': 'application/json' }, body: '{}' });
    expect(created.status).toBe(200);
    expect(created.headers.get('access-control-allow-origin')).toBe(APP);
  });

  it('another origin gets no CORS headers (the browser blocks it): files still 200, its preflight → 403 naming the setting, never a 500', async () => {
    const sdk = await fetch(`${restricted.url}/sdk/videosdk.mjs`, { headers: { origin: OTHER } });
    expect(sdk.status).toBe(200);
    expect(sdk.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await preflight(restricted, '/v2/rooms', OTHER);
    expect(pre.status).toBe(403);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    expect(pre.headers.get('access-control-allow-methods')).toBeNull();
    const body = (await pre.json()) as { statusCode: number; error: { code: number; message: string } };
    expect(body).toEqual({ statusCode: 403, error: { code: ErrorCode.UNAUTHORIZED_REQUEST, message: expect.stringContaining('ROOMKIT_CORS_ORIGINS') } });
    const tooLong = await fetch(`${restricted.url}/v2/rooms/${'r'.repeat(150)}`, { headers: { origin: OTHER, authorization: token } });
    expect(tooLong.status).toBe(414);
    expect(tooLong.headers.get('access-control-allow-origin')).toBeNull();
    const call = await fetch(`${restricted.url}/v2/rooms`, { headers: { origin: OTHER, authorization: operatorToken } });
    expect(call.status).toBe(200); // a server-side caller is not a browser: CORS only tells browsers
    expect(call.headers.get('access-control-allow-origin')).toBeNull();
    // Not an origin at all, as sandboxed iframes and file:// pages send.
    const nullOrigin = await preflight(restricted, '/v2/rooms', 'null');
    expect(nullOrigin.status).toBe(403);
  });
});

describe('the network test endpoint (runPreCallTest, getNetworkStats)', () => {
  it('GET sends 64 KB of incompressible bytes, uncached, readable cross-origin', async () => {
    const res = await fetch(`${open.url}/sdk/network-probe?probe=1`, { headers: { origin: APP, 'accept-encoding': 'br, gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.length).toBe(64 * 1024);
    const { gzipSync } = await import('node:zlib');
    expect(gzipSync(body).length).toBeGreaterThan(body.length * 0.95);
  });

  it('POST reads a text body and answers 204; a body over the 64 KB limit is 413, not kept', async () => {
    const ok = await fetch(`${open.url}/sdk/network-probe`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'r'.repeat(60 * 1024) });
    expect(ok.status).toBe(204);
    const big = await fetch(`${open.url}/sdk/network-probe`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'r'.repeat(200 * 1024) });
    expect(big.status).toBe(413);
  });
});
