// Outbound requests a participant can cause (issue #14 item 5), with a real server and its
// default policy (nothing private allowed): a moderator's webhookUrl and RTMP destinations on
// loopback, private or metadata addresses are refused before anything connects, with a coded
// error that leaks no socket error; REST counts as the operator's only with an operator token
// (roles include crawler): a room moderator's REST token is a participant's.
import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '@roomkit/protocol';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { connectWs, type WsTestClient } from './helpers/wsClient.js';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhookReceiver.js';
import { generateToken } from '../src/auth/AccessToken.js';
import { DEV_API_KEY, DEV_API_SECRET } from '../src/config/defaults.js';

const guestRestToken = generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join', 'allow_mod'] });
const roomModToken = (roomId: string) => generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_mod'], roomId });
const operatorToken = generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join'], roles: ['crawler'] });

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

async function rest(url: string, path: string, body: unknown, token: string) {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { authorization: token, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

async function moderator(url: string, room: string): Promise<WsTestClient> {
  const ws = await connectWs(url);
  cleanups.push(() => ws.close());
  const token = (await fetch(`${url}/dev/token?roomId=${room}`).then((r) => r.json())).token;
  const joined = await ws.request({ t: 'join', token, meetingId: room, name: 'Host', mode: 'SIGNALLING_ONLY' });
  expect(joined.ok, JSON.stringify(joined)).toBe(true);
  return ws;
}

/** A TCP port that counts who connects (a stand-in for an internal service). */
async function tcpProbe(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server: Server = createServer((s) => {
    count++;
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { port, connections: () => count, close: () => new Promise((r) => server.close(() => r())) };
}

describe('outbound requests a participant causes', () => {
  let server: TestServer;
  let rx: WebhookReceiver;

  it('startEgress recording with a webhookUrl on loopback, private, link-local or mapped addresses is START_RECORDING_FAILED, and nothing is POSTed', async () => {
    server = await startTestServer({ outboundAllowCidrs: [] });
    cleanups.push(() => server.stop());
    rx = await startWebhookReceiver(DEV_API_SECRET);
    cleanups.push(() => rx.close());
    const port = new URL(rx.url).port;
    const ws = await moderator(server.url, 'ssrf-hook');
    for (const webhookUrl of [
      `${rx.url}/a`,
      `http://localhost:${port}/b`,
      `http://[::ffff:127.0.0.1]:${port}/c`,
      `http://0x7f000001:${port}/d`,
      `http://[::1]:${port}/e`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/',
      'http://[fd00::1]/',
      'gopher://127.0.0.1:6379/_INFO',
    ]) {
      const res = await ws.request({ t: 'startEgress', kind: 'recording', webhookUrl });
      expect(res.error?.code, `${webhookUrl}: ${JSON.stringify(res)}`).toBe(ErrorCode.START_RECORDING_FAILED);
      expect(res.error.message).toMatch(/^webhookUrl: /);
      expect(res.error.message).not.toMatch(/ECONN|refused|EHOSTUNREACH|timed out/i);
    }
    await new Promise((r) => setTimeout(r, 1000));
    expect(rx.requests).toEqual([]);
    expect(ws.messages.some((m) => m.t === 'egressState')).toBe(false);
  });

  it('startEgress livestream to an RTMP port on loopback or a private range is INVALID_LIVESTREAM_CONFIG, and no TCP connection is made', async () => {
    const probe = await tcpProbe();
    cleanups.push(() => probe.close());
    const ws = await moderator(server.url, 'ssrf-rtmp');
    for (const url of [`rtmp://127.0.0.1:${probe.port}/live`, `rtmp://localhost:${probe.port}/live`, `rtmp://[::ffff:7f00:1]:${probe.port}/live`, `rtmp://0x7f.1:${probe.port}/live`, `rtmp://2130706433:${probe.port}/live`, 'rtmp://192.168.0.1/live', 'rtmps://169.254.169.254/live']) {
      const res = await ws.request({ t: 'startEgress', kind: 'livestream', outputs: [{ url: 'rtmp://93.184.216.34/live2', streamKey: 'k' }, { url, streamKey: 'k' }] });
      expect(res.error?.code, `${url}: ${JSON.stringify(res)}`).toBe(ErrorCode.INVALID_LIVESTREAM_CONFIG);
      expect(res.error.message).toMatch(/^outputs\[1\]\.url: /);
    }
    await new Promise((r) => setTimeout(r, 1000));
    expect(probe.connections()).toBe(0);
    expect(ws.messages.some((m) => m.t === 'egressState')).toBe(false);
  });

  it('REST: a room moderator\'s token (roomId + allow_mod, no crawler role) is a participant\'s: loopback webhookUrl and RTMP refused; an operator token may use a loopback webhookUrl', async () => {
    const probe = await tcpProbe();
    cleanups.push(() => probe.close());
    const ws = await moderator(server.url, 'ssrf-rest');
    // A guest token may not start recordings at all (REST access rules); either way nothing is sent.
    const guest = await rest(server.url, '/v2/recordings/start', { roomId: 'ssrf-rest', webhookUrl: `${rx.url}/guest` }, guestRestToken);
    expect(guest.status, JSON.stringify(guest.body)).not.toBe(200);
    const scoped = await rest(server.url, '/v2/recordings/start', { roomId: 'ssrf-rest', webhookUrl: `${rx.url}/scoped` }, roomModToken('ssrf-rest'));
    expect(scoped.body.error?.code, JSON.stringify(scoped.body)).toBe(ErrorCode.START_RECORDING_FAILED);
    const live = await rest(server.url, '/v2/livestreams/start', { roomId: 'ssrf-rest', outputs: [{ url: `rtmp://127.0.0.1:${probe.port}/live`, streamKey: 'k' }] }, roomModToken('ssrf-rest'));
    expect(live.body.error?.code, JSON.stringify(live.body)).toBe(ErrorCode.INVALID_LIVESTREAM_CONFIG);
    const participantRec = await rest(server.url, '/v2/recordings/participant/start', { roomId: 'ssrf-rest', participantId: 'nobody', webhookUrl: `${rx.url}/p` }, roomModToken('ssrf-rest'));
    expect(participantRec.status).not.toBe(200);
    expect(probe.connections()).toBe(0);
    expect(rx.requests).toEqual([]);

    const operator = await rest(server.url, '/v2/recordings/start', { roomId: 'ssrf-rest', webhookUrl: `${rx.url}/operator`, config: { quality: 'low' } }, operatorToken);
    expect(operator.status, JSON.stringify(operator.body)).toBe(200);
    const [first] = await rx.waitForAccepted(1, 15_000);
    expect(first!.path).toBe('/hooks/operator');
    expect(first!.json.webhookType).toBe('recording-starting');
    await rest(server.url, '/v2/recordings/end', { roomId: 'ssrf-rest' }, operatorToken);
    expect(ws.messages.some((m) => m.t === 'egressState')).toBe(true);
  }, 40_000);
});
