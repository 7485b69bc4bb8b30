import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive, launchChromium, type LaunchedBrowser } from './chromium.js';

describe('launchChromium', () => {
  let server: Server;
  let url: string;
  let launched: LaunchedBrowser | undefined;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>t</title>ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    await launched?.close();
    await new Promise((r) => server.close(r));
  });

  it('gives fake camera and microphone tracks, and close() leaves nothing behind', async () => {
    launched = await launchChromium();
    expect(launched.pid).toBeTypeOf('number');
    const page = await launched.newPage(url, 'fake-media');
    const kinds = await page.evaluate(async () => {
      const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
      const k = stream.getTracks().map((t) => `${t.kind}:${t.readyState}`);
      stream.getTracks().forEach((t) => t.stop());
      return k.sort();
    });
    expect(kinds).toEqual(['audio:live', 'video:live']);

    const pid = launched.pid!;
    const profileDir = launched.userDataDir;
    await launched.close();
    await launched.close(); // idempotent
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(profileDir)).toBe(false);
  });

  it('close() kills a browser that hangs', async () => {
    launched = await launchChromium();
    const pid = launched.pid!;
    process.kill(pid, 'SIGSTOP'); // a frozen browser never answers the close request
    const started = Date.now();
    await launched.close();
    expect(Date.now() - started).toBeLessThan(9_000);
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(launched.userDataDir)).toBe(false);
  });
});
