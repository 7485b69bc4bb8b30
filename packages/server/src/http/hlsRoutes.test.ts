import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hlsRoutes } from './hlsRoutes.js';

let app: FastifyInstance;
let dataDir: string;
const ID = 'abcdef0123456789';

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'roomkit-hls-routes-'));
  const dir = join(dataDir, 'hls', 'room-1', ID);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'index.m3u8'), '#EXTM3U\n');
  await writeFile(join(dir, 'live.m3u8'), '#EXTM3U\n');
  await writeFile(join(dir, 'livestream.m3u8'), '#EXTM3U\n');
  await writeFile(join(dir, 'capture_00001.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
  await writeFile(join(dir, 'seg_00000.ts'), Buffer.alloc(188));
  await writeFile(join(dir, 'notes.txt'), 'secret');
  await writeFile(join(dataDir, 'roomkit.db'), 'secret');
  app = Fastify();
  hlsRoutes(app, {
    dataDir,
    hlsState: (roomId) => (roomId === 'room-1' ? { kind: 'hls', status: 'HLS_PLAYABLE', playbackHlsUrl: `/hls/room-1/${ID}/index.m3u8`, livestreamUrl: `/hls/room-1/${ID}/live.m3u8` } : null),
  });
  await app.ready();
});

afterAll(async () => {
  await app.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('hlsRoutes', () => {
  it('serves playlists uncached and segments as immutable, with HLS content types and CORS', async () => {
    const playlist = await app.inject(`/hls/room-1/${ID}/live.m3u8`);
    expect(playlist.statusCode).toBe(200);
    expect(playlist.headers['content-type']).toBe('application/vnd.apple.mpegurl');
    expect(playlist.headers['cache-control']).toBe('no-cache');
    expect(playlist.headers.etag).toBeTruthy();
    expect(playlist.headers['access-control-allow-origin']).toBe('*');
    const master = await app.inject(`/hls/room-1/${ID}/livestream.m3u8`);
    expect(master.headers['content-type']).toBe('application/vnd.apple.mpegurl');
    const capture = await app.inject(`/hls/room-1/${ID}/capture_00001.jpg`);
    expect(capture.headers['content-type']).toBe('image/jpeg');
    const segment = await app.inject(`/hls/room-1/${ID}/seg_00000.ts`);
    expect(segment.headers['content-type']).toBe('video/mp2t');
    expect(segment.headers['cache-control']).toMatch(/immutable/);
    expect(segment.rawPayload.length).toBe(188);
    expect(segment.headers['accept-ranges']).toBe('bytes');
  });

  it('answers a Range with 206 and those bytes, an unsatisfiable one with 416 and the real length', async () => {
    const url = `/hls/room-1/${ID}/seg_00000.ts`;
    const part = await app.inject({ url, headers: { range: 'bytes=100-149' } });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe('bytes 100-149/188');
    expect(part.rawPayload.length).toBe(50);
    expect(part.headers['content-type']).toBe('video/mp2t');
    const tail = await app.inject({ url, headers: { range: 'bytes=-8' } });
    expect(tail.statusCode).toBe(206);
    expect(tail.headers['content-range']).toBe('bytes 180-187/188');
    const beyond = await app.inject({ url, headers: { range: 'bytes=500-600' } });
    expect(beyond.statusCode).toBe(416);
    expect(beyond.headers['content-range']).toBe('bytes */188');
    expect(beyond.json().statusCode).toBe(416);
    // Not a byte range at all: ignored, the whole file (RFC 9110).
    const junk = await app.inject({ url, headers: { range: 'lines=1-2' } });
    expect(junk.statusCode).toBe(200);
    expect(junk.rawPayload.length).toBe(188);
  });

  it('answers If-None-Match with its ETag by 304 without a body, and a changed playlist by 200', async () => {
    const url = `/hls/room-1/${ID}/index.m3u8`;
    const first = await app.inject(url);
    const etag = first.headers.etag as string;
    const again = await app.inject({ url, headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
    await writeFile(join(dataDir, 'hls', 'room-1', ID, 'index.m3u8'), '#EXTM3U\n#EXT-X-VERSION:3\n');
    const changed = await app.inject({ url, headers: { 'if-none-match': etag } });
    expect(changed.statusCode).toBe(200);
    expect(changed.body).toContain('EXT-X-VERSION');
    expect(changed.headers.etag).not.toBe(etag);
  });

  it('answers HEAD with the length and no body', async () => {
    const res = await app.inject({ method: 'HEAD', url: `/hls/room-1/${ID}/seg_00000.ts` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-length']).toBe('188');
    expect(res.rawPayload.length).toBe(0);
  });

  it.each([
    `/hls/room-1/${ID}/notes.txt`,
    `/hls/room-1/${ID}/..%2f..%2f..%2froomkit.db`,
    `/hls/room-1/..%2f..%2f/roomkit.db`,
    `/hls/..%2f..%2f/${ID}/index.m3u8`,
    `/hls/room-1/${ID}/seg_00001.ts`,
    `/hls/room-2/${ID}/index.m3u8`,
  ])('answers 404 for %s', async (url) => {
    const res = await app.inject(url);
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('secret');
  });

  it('gives the viewer page, the room state (STOPPED when none) and hls.js', async () => {
    const page = await app.inject('/hls/room-1');
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('/vendor/hls.min.js');
    expect((await app.inject('/hls/room-1/state')).json()).toMatchObject({ status: 'HLS_PLAYABLE', livestreamUrl: `/hls/room-1/${ID}/live.m3u8` });
    expect((await app.inject('/hls/room-2/state')).json()).toEqual({ kind: 'hls', status: 'HLS_STOPPED' });
    const lib = await app.inject('/vendor/hls.min.js');
    expect(lib.statusCode).toBe(200);
    expect(lib.body.length).toBeGreaterThan(100_000);
  });
});
