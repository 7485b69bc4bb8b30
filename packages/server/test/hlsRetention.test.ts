// HLS storage (issue #14 item 6) with a real server and ffmpeg: the DVR playlist keeps a sliding
// window (hlsDvrWindowSeconds) and older segments are deleted from disk; DELETE /v2/hls/:id
// (operator token only) stops the stream if needed and removes its files and record.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '@roomkit/protocol';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { connectWs, type WsTestClient } from './helpers/wsClient.js';
import { generateToken } from '../src/auth/AccessToken.js';
import { DEV_API_KEY, DEV_API_SECRET } from '../src/config/defaults.js';

const operatorToken = generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join'], roles: ['crawler'] });
const guestToken = generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join', 'allow_mod'] });
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

async function rest(url: string, method: string, path: string, body?: unknown, token = operatorToken) {
  const res = await fetch(`${url}${path}`, { method, headers: { authorization: token, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

async function participant(url: string, room: string): Promise<WsTestClient> {
  const ws = await connectWs(url);
  cleanups.push(() => ws.close());
  const token = (await fetch(`${url}/dev/token?roomId=${room}`).then((r) => r.json())).token;
  await ws.request({ t: 'join', token, meetingId: room, name: 'Host', mode: 'SIGNALLING_ONLY' });
  return ws;
}

const segmentsIn = (playlist: string) => playlist.split('\n').filter((l) => /^seg_\d+\.ts$/.test(l));

describe('HLS storage', () => {
  let server: TestServer;

  it('with hlsDvrWindowSeconds the DVR playlist slides and segments older than the window are deleted from disk', async () => {
    server = await startTestServer({ hlsDvrWindowSeconds: 4 });
    cleanups.push(() => server.stop());
    const ws = await participant(server.url, 'dvr-room');
    const started = await rest(server.url, 'POST', '/v2/hls/start', { roomId: 'dvr-room', config: { quality: 'low' } });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    await ws.waitFor((m) => m.t === 'egressState' && m.kind === 'hls' && m.status === 'HLS_PLAYABLE', 30_000);
    const dir = join(server.config.dataDir, 'hls', 'dvr-room', started.body.id);
    // The window is at least the live edge's 6 segments; go well past it.
    let playlist = '';
    const deadline = Date.now() + 40_000;
    while (Date.now() < deadline) {
      playlist = await readFile(join(dir, 'index.m3u8'), 'utf8');
      if (Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(playlist)?.[1] ?? 0) >= 3) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(playlist)?.[1]), playlist).toBeGreaterThanOrEqual(3);
    expect(segmentsIn(playlist).length).toBeLessThanOrEqual(6);
    expect(playlist).not.toContain('#EXT-X-PLAYLIST-TYPE:EVENT');
    await new Promise((r) => setTimeout(r, 1000));
    expect(existsSync(join(dir, 'seg_00000.ts'))).toBe(false);
    expect(existsSync(join(dir, 'seg_00001.ts'))).toBe(false);
    const live = await fetch(`${server.url}${new URL(started.body.playbackHlsUrl).pathname}`);
    expect(live.status).toBe(200);
  }, 90_000);

  it('DELETE /v2/hls/:id: a guest or room moderator token gets 403; an operator token stops the stream and removes its files and record', async () => {
    const started = (await rest(server.url, 'GET', '/v2/hls?roomId=dvr-room')).body.data[0];
    const dir = join(server.config.dataDir, 'hls', 'dvr-room', started.id);
    expect(existsSync(dir)).toBe(true);
    const guest = await rest(server.url, 'DELETE', `/v2/hls/${started.id}`, undefined, guestToken);
    expect(guest.status).toBe(403);
    const scoped = await rest(server.url, 'DELETE', `/v2/hls/${started.id}`, undefined, generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_mod'], roomId: 'dvr-room' }));
    expect(scoped.status).toBe(403);
    expect(existsSync(dir)).toBe(true);
    const deleted = await rest(server.url, 'DELETE', `/v2/hls/${started.id}`);
    expect(deleted).toMatchObject({ status: 200, body: { id: started.id } });
    expect(existsSync(dir)).toBe(false);
    expect((await fetch(`${server.url}${new URL(started.playbackHlsUrl).pathname}`)).status).toBe(404);
    expect((await rest(server.url, 'GET', '/v2/hls?roomId=dvr-room')).body.data.map((r: any) => r.id)).not.toContain(started.id);
    expect(server.server && (await rest(server.url, 'DELETE', `/v2/hls/${started.id}`)).body.error.code).toBe(ErrorCode.ERROR_INVALID_PARAMETER);
  }, 30_000);
});
