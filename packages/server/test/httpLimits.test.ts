// An attacker's view of the HTTP server: requests that trickle in, upgrades nobody handles, and
// clients that hold sockets open across a shutdown. Each must end within a bounded time.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { generateToken } from '../src/auth/AccessToken.js';
import { DEV_API_KEY, DEV_API_SECRET } from '../src/config/defaults.js';
import { startTestServer, type TestServer } from './helpers/testServer.js';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

function openRaw(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves with what the server sent once it closed the socket, or null if it is still open after `ms`. */
function closedWithin(socket: Socket, ms: number): Promise<string | null> {
  let received = '';
  socket.on('data', (d) => (received += d));
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve(received);
    const timer = setTimeout(() => resolve(null), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}

describe('HTTP timeouts and upgrades (in-process server, 1 s timeouts)', () => {
  let server: TestServer;
  const opened: Socket[] = [];
  beforeAll(async () => {
    server = await startTestServer({ mediaWorkers: 0, limits: { httpRequestTimeoutSeconds: 1, httpHeadersTimeoutSeconds: 1, httpIdleTimeoutSeconds: 1 } });
  });
  afterAll(async () => {
    for (const s of opened) s.destroy();
    await server?.stop();
  });

  it('a POST whose body trickles in one byte at a time is cut off after httpRequestTimeoutSeconds', async () => {
    const socket = await openRaw(server.url);
    opened.push(socket);
    const token = generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join'] });
    socket.write(`POST /v2/rooms HTTP/1.1\r\nHost: x\r\nAuthorization: ${token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`);
    const drip = setInterval(() => socket.writable && socket.write(' '), 200);
    try {
      const received = await closedWithin(socket, 5000);
      expect(received, 'the socket was still open after 5 s').not.toBeNull();
      expect(received).toMatch(/^(HTTP\/1.1 408|$)/);
    } finally {
      clearInterval(drip);
    }
  });

  it('request headers that never end are cut off after httpHeadersTimeoutSeconds', async () => {
    const socket = await openRaw(server.url);
    opened.push(socket);
    socket.write('GET /health HTTP/1.1\r\nHost: x\r\n');
    const drip = setInterval(() => socket.writable && socket.write('X-A: b\r\n'), 200);
    try {
      expect(await closedWithin(socket, 5000), 'the socket was still open after 5 s').not.toBeNull();
    } finally {
      clearInterval(drip);
    }
  });

  it('a connection that sends nothing is closed after httpIdleTimeoutSeconds', async () => {
    const socket = await openRaw(server.url);
    opened.push(socket);
    expect(await closedWithin(socket, 5000), 'the socket was still open after 5 s').not.toBeNull();
  });

  it.each(['/egress/x', '/egress/ingest?job=nope&key=nope', '/no-such-path', '/rtc/extra'])('an upgrade to %s is answered with an HTTP error and closed', async (path) => {
    const socket = await openRaw(server.url);
    opened.push(socket);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
    const received = await closedWithin(socket, 3000);
    expect(received, 'the upgrade was neither answered nor closed within 3 s').not.toBeNull();
    expect(received).toMatch(/^HTTP\/1.1 40[34]/);
  });

  it('a joined signaling WebSocket stays open past every HTTP timeout', async () => {
    const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/rtc`);
    try {
      await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
      const token = generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join'] });
      const joined = new Promise((r) => ws.on('message', (d) => JSON.parse(String(d)).rid === 1 && r(JSON.parse(String(d)))));
      ws.send(JSON.stringify({ t: 'join', rid: 1, token, meetingId: 'http-timeouts', participantId: 'alice', mode: 'SIGNALLING_ONLY' }));
      expect(await joined).toMatchObject({ ok: true });
      await new Promise((r) => setTimeout(r, 3000));
      expect(ws.readyState).toBe(WebSocket.OPEN);
    } finally {
      ws.terminate();
    }
  });
});

describe('SIGTERM of the real CLI with slow and idle clients attached', () => {
  let child: ChildProcess | undefined;
  let dataDir = '';
  const sockets: Socket[] = [];
  let ws: WebSocket | undefined;
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    ws?.terminate();
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('exits 0 within a few seconds though a request body trickles, a socket sits idle and a WebSocket never joins', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'roomkit-sigterm-'));
    const port = 35000 + Math.floor(Math.random() * 5000);
    const url = `http://127.0.0.1:${port}`;
    let output = '';
    child = spawn(process.execPath, ['--import', 'tsx', 'packages/server/src/cli.ts', 'start', '--port', String(port), '--rtc-port', String(port + 1), '--bind', '127.0.0.1',
      '--announced-ip', '127.0.0.1', '--data-dir', dataDir, '--log-level', 'warn', '--media-workers', '0'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const exited = new Promise<{ code: number | null; at: number }>((r) => child!.once('exit', (code) => r({ code, at: Date.now() })));
    let up = false;
    for (let i = 0; i < 150 && !up; i++) {
      up = await fetch(`${url}/health`).then((r) => r.ok, () => false);
      if (!up) await new Promise((r) => setTimeout(r, 200));
    }
    expect(up, `the server did not come up: ${output}`).toBe(true);

    const slow = await openRaw(url);
    slow.on('error', () => {});
    slow.write('POST /v2/rooms HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{');
    const drip = setInterval(() => slow.writable && slow.write(' '), 300);
    const idle = await openRaw(url);
    idle.on('error', () => {});
    const upgrade = await openRaw(url);
    upgrade.on('error', () => {});
    upgrade.write('GET /egress/x HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
    sockets.push(slow, idle, upgrade);
    ws = new WebSocket(`${url.replace(/^http/, 'ws')}/rtc`);
    ws.on('error', () => {});
    await new Promise((r) => ws!.once('open', r));
    await new Promise((r) => setTimeout(r, 300));

    const sentAt = Date.now();
    child.kill('SIGTERM');
    const result = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), 8000))]);
    clearInterval(drip);
    expect(result, `no exit within 8 s of SIGTERM: ${output}`).not.toBeNull();
    expect(result!.code, output).toBe(0);
    expect(result!.at - sentAt).toBeLessThan(6000);
  }, 40_000);
});
