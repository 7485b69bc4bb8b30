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
    expect(playlist.headers['cache-control']).toBe('no-cache, no-store');
    expect(playlist.headers['access-control-allow-origin']).toBe('*');
    const master = await app.inject(`/hls/room-1/${ID}/livestream.m3u8`);
    expect(master.headers['content-type']).toBe('application/vnd.apple.mpegurl');
    const capture = await app.inject(`/hls/room-1/${ID}/capture_00001.jpg`);
    expect(capture.headers['content-type']).toBe('image/jpeg');
    const segment = await app.inject(`/hls/room-1/${ID}/seg_00000.ts`);
    expect(segment.headers['content-type']).toBe('video/mp2t');
    expect(segment.headers['cache-control']).toMatch(/immutable/);
    expect(segment.rawPayload.length).toBe(188);
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
