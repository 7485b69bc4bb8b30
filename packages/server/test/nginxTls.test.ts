// The deployment as documented, end to end: Debian's nginx running deploy/nginx/roomkit.conf
// (ports, paths and the name substituted, every directive kept) with a self-signed certificate
// made by openssl, in front of a server started with trustProxy and publicUrl; Chromium, trusting
// only that certificate (SPKI pin), joins a call with the SDK the server serves, records, seeks
// inside the recording in a <video>, plays HLS with hls.js, all over https://. Every URL handed
// out (REST bodies, webhook bodies, the SDK's signaling socket, what the page loaded) must start
// with https://<the proxy host>.
import { execFile } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { generateToken } from '../src/auth/AccessToken.js';
import { DEV_API_KEY, DEV_API_SECRET } from '../src/config/defaults.js';
import { launchChromium, type LaunchedBrowser } from './helpers/chromium.js';
import { freePort, runNginx, type RunningNginx } from './helpers/nginxRtmp.js';
import { join as joinMeeting, openSdkPage, videoInfo, waitFor } from './helpers/sdkPage.js';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhookReceiver.js';

const run = promisify(execFile);
const ROOM = 'nginx-tls';
const SAMPLE = new URL('../../../deploy/nginx/roomkit.conf', import.meta.url);
const restToken = generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join', 'allow_mod'], roles: ['crawler'] });

let tmp: string;
let server: TestServer;
let nginx: RunningNginx;
let browser: LaunchedBrowser;
let receiver: WebhookReceiver;
let proxyUrl: string; // https://localhost:<port>
let httpPort: number;
const pages: Record<string, Page> = {};
const ids: Record<string, string> = {};
const socketUrls: string[] = [];
/** Every absolute URL the server handed out, with where it came from. */
const handedOut: Array<{ from: string; url: string }> = [];

function collectUrls(from: string, value: unknown): void {
  if (typeof value === 'string' && /^(https?|wss?):\/\//.test(value)) handedOut.push({ from, url: value });
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) collectUrls(`${from}.${k}`, v);
}

/** The sample config with only ports, paths and the name changed; fails if a substitution finds nothing. */
async function derivedConfig(dir: string, ports: { https: number; http: number; upstream: number }): Promise<string> {
  let text = await readFile(SAMPLE, 'utf8');
  const swap = (from: string | RegExp, to: string) => {
    const next = text.replace(from, to);
    expect(next, `the sample no longer has ${String(from)}`).not.toBe(text);
    text = next;
  };
  swap('listen 443 ssl http2;', `listen 127.0.0.1:${ports.https} ssl http2;`);
  swap('listen 80;', `listen 127.0.0.1:${ports.http};`);
  swap(/^\s*listen \[::\]:\d+.*$/gm, ''); // no IPv6 in the test's network namespace
  swap('server 127.0.0.1:7880;', `server 127.0.0.1:${ports.upstream};`);
  swap(/server_name rtc\.example\.com;/g, 'server_name localhost;');
  swap('/etc/letsencrypt/live/rtc.example.com/fullchain.pem', join(tmp, 'cert.pem'));
  swap('/etc/letsencrypt/live/rtc.example.com/privkey.pem', join(tmp, 'key.pem'));
  // What /etc/nginx/nginx.conf gives the included file, in the temp dir.
  return `
daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 256; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${text}
}
`;
}

/** A REST call made by the page (over https through nginx), as an app's backend-for-frontend would. */
async function rest(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const out = await pages.Ada!.evaluate(
    async ([m, p, b, t, h]) => {
      const res = await fetch(p, { method: m, headers: { authorization: t, ...h, ...(b === undefined ? {} : { 'content-type': 'application/json' }) }, body: b === undefined ? undefined : JSON.stringify(b) });
      return { status: res.status, json: await res.json().catch(() => null) };
    },
    [method, path, body, restToken, headers] as const,
  );
  collectUrls(`${method} ${path}`, out.json);
  return out;
}

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'roomkit-nginx-tls-'));
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', join(tmp, 'key.pem'), '-out', join(tmp, 'cert.pem')]);
  const cert = new X509Certificate(await readFile(join(tmp, 'cert.pem')));
  const spki = createHash('sha256').update(cert.publicKey.export({ type: 'spki', format: 'der' })).digest('base64');

  const httpsPort = await freePort();
  httpPort = await freePort();
  proxyUrl = `https://localhost:${httpsPort}`;
  receiver = await startWebhookReceiver(DEV_API_SECRET);
  server = await startTestServer({ trustProxy: ['127.0.0.1'], publicUrl: proxyUrl, webhookUrl: receiver.url });
  const upstream = Number(new URL(server.url).port);
  nginx = await runNginx('tls', (dir) => derivedConfig(dir, { https: httpsPort, http: httpPort, upstream }), httpsPort);
  // Only this certificate is trusted, not every error (as ignoreHTTPSErrors would).
  browser = await launchChromium({ extraArgs: [`--ignore-certificate-errors-spki-list=${spki}`] });
  for (const name of ['Ada', 'Bo']) {
    const page = await openSdkPage(browser, proxyUrl, name);
    page.on('websocket', (ws) => socketUrls.push(ws.url()));
    pages[name] = page;
  }
}, 120_000);

afterAll(async () => {
  for (const page of Object.values(pages)) await page.evaluate(() => (window as any).rk.meeting?.leave()).catch(() => {});
  await browser?.close();
  await nginx?.stop();
  // nginx is gone, not left running.
  if (nginx?.pid) expect(() => process.kill(nginx.pid!, 0)).toThrow();
  await server?.stop();
  await receiver?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('behind nginx with TLS (deploy/nginx/roomkit.conf)', () => {
  it('two participants join over https with the SDK the server serves, signaling on wss through nginx, and decode each other', async () => {
    for (const name of ['Ada', 'Bo']) {
      const joined = await joinMeeting(pages[name]!, { meetingId: ROOM, name });
      expect(joined.ok, JSON.stringify(joined)).toBe(true);
      ids[name] = joined.participantId!;
    }
    for (const [viewer, other] of [['Ada', 'Bo'], ['Bo', 'Ada']] as const) {
      const info = await waitFor(async () => {
        const v = await videoInfo(pages[viewer]!, ids[other]!);
        return v && v.framesDecoded > 10 && v.width > 0 ? v : null;
      }, 30_000);
      expect(info, `${viewer} decodes ${other}'s video`).toBeTruthy();
    }
    expect(socketUrls.length).toBeGreaterThanOrEqual(2);
    for (const url of socketUrls) expect(url.startsWith(`wss://localhost:${new URL(proxyUrl).port}/rtc`), url).toBe(true);
    // The page, the SDK and its token came through the proxy over HTTP/2.
    const loaded = await pages.Ada!.evaluate(() => performance.getEntriesByType('resource').map((e) => ({ url: e.name, protocol: (e as PerformanceResourceTiming).nextHopProtocol })));
    expect(loaded.some((e) => e.url.includes('/sdk/videosdk.mjs'))).toBe(true);
    for (const e of loaded) {
      expect(e.url.startsWith(proxyUrl), e.url).toBe(true);
      expect(e.protocol, e.url).toBe('h2');
    }
  }, 90_000);

  it('records; the recording seeks in a <video> through nginx (Range → 206), and fileUrl / webhook URLs are on https://<proxy>', async () => {
    const started = await rest('POST', '/v2/recordings/start', { roomId: ROOM, config: { quality: 'low' } });
    expect(started.status, JSON.stringify(started.json)).toBe(200);
    await new Promise((r) => setTimeout(r, 8000));
    const ended = await rest('POST', '/v2/recordings/end', { roomId: ROOM });
    expect(ended.status, JSON.stringify(ended.json)).toBe(200);
    const fileUrl: string = ended.json.file?.fileUrl;
    expect(fileUrl).toBe(`${proxyUrl}/v2/recordings/${started.json.id}/file`);
    expect(ended.json.file.duration).toBeGreaterThan(3);

    const seek = await pages.Bo!.evaluate(async (src) => {
      const v = document.createElement('video');
      v.muted = true;
      v.preload = 'auto';
      document.body.appendChild(v);
      const timeout = (what: string) => new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no event within 20 s (readyState ${v.readyState}, error ${v.error?.code} ${v.error?.message})`)), 20_000));
      const once = (ev: string) => Promise.race([new Promise<void>((resolve, reject) => {
        v.addEventListener(ev, () => resolve(), { once: true });
        v.addEventListener('error', () => reject(new Error(`video error ${v.error?.code} ${v.error?.message}`)), { once: true });
      }), timeout(ev)]);
      v.src = src;
      await once('loadedmetadata');
      const duration = v.duration;
      const target = Math.round(duration * 0.6 * 10) / 10;
      const seeking = once('seeked');
      v.currentTime = target;
      await seeking;
      const at = v.currentTime;
      const framesBefore = v.getVideoPlaybackQuality().totalVideoFrames;
      await v.play();
      const mediaTime = await Promise.race([new Promise<number>((resolve) => v.requestVideoFrameCallback((_now, meta) => resolve(meta.mediaTime))), timeout('a decoded frame')]);
      await new Promise((r) => setTimeout(r, 500));
      v.pause();
      return { duration, target, at, mediaTime, framesBefore, frames: v.getVideoPlaybackQuality().totalVideoFrames, width: v.videoWidth };
    }, `${fileUrl}?token=${encodeURIComponent(restToken)}`);
    console.log('[nginx-tls] seek', JSON.stringify(seek));
    expect(seek.at).toBeCloseTo(seek.target, 1);
    expect(seek.mediaTime).toBeGreaterThanOrEqual(seek.target - 0.5);
    expect(seek.frames).toBeGreaterThan(seek.framesBefore);
    expect(seek.width).toBeGreaterThan(0);
    // Chromium fetched the file in ranges, answered 206 through nginx.
    const access = await readFile(join(nginx.dir, 'access.log'), 'utf8');
    const fileLines = access.split('\n').filter((l) => l.includes(`/v2/recordings/${started.json.id}/file`));
    console.log('[nginx-tls] recording requests through nginx (status count):', JSON.stringify(fileLines.reduce<Record<string, number>>((n, l) => ({ ...n, [/" (\d{3}) /.exec(l)?.[1] ?? '?']: (n[/" (\d{3}) /.exec(l)?.[1] ?? '?'] ?? 0) + 1 }), {})));
    expect(fileLines.some((l) => / 206 /.test(l)), fileLines.join('\n')).toBe(true);
    const ranged = await pages.Bo!.evaluate(async (src) => {
      const res = await fetch(src, { headers: { range: 'bytes=100-199' } });
      return { status: res.status, range: res.headers.get('content-range'), accept: res.headers.get('accept-ranges'), bytes: (await res.arrayBuffer()).byteLength };
    }, `${fileUrl}?token=${encodeURIComponent(restToken)}`);
    expect(ranged).toMatchObject({ status: 206, range: expect.stringMatching(/^bytes 100-199\/\d+$/), accept: 'bytes', bytes: 100 });

    const hooks = await waitFor(async () => receiver.accepted().find((h) => h.json.webhookType === 'recording-stopped') ?? null, 15_000);
    expect(hooks, 'recording-stopped webhook').toBeTruthy();
    expect(hooks!.json.data.fileUrl).toBe(fileUrl);
  }, 120_000);

  it('HLS: the URLs handed out are on https://<proxy> and hls.js plays the live stream through nginx', async () => {
    const started = await rest('POST', '/v2/hls/start', { roomId: ROOM, config: { quality: 'low' } });
    expect(started.status, JSON.stringify(started.json)).toBe(200);
    const page = pages.Bo!;
    const playable = await waitFor(async () => {
      const state = await page.evaluate(async (room) => (await fetch(`/hls/${room}/state`)).json(), ROOM);
      return state.status === 'HLS_PLAYABLE' ? state : null;
    }, 60_000, 500);
    expect(playable).toBeTruthy();
    const list = await rest('GET', `/v2/hls?roomId=${ROOM}`);
    const stream = list.json.data.find((s: any) => s.id === started.json.id) ?? list.json.data[0];
    expect(stream.livestreamUrl.startsWith(`${proxyUrl}/hls/${ROOM}/`)).toBe(true);
    expect(stream.playbackHlsUrl.startsWith(`${proxyUrl}/hls/${ROOM}/`)).toBe(true);

    const played = await page.evaluate(async (src) => {
      await new Promise((resolve, reject) => {
        const s = document.createElement('script');
        s.src = '/vendor/hls.min.js';
        s.onload = resolve;
        s.onerror = reject;
        document.head.appendChild(s);
      });
      const Hls = (window as any).Hls;
      const v = document.createElement('video');
      v.muted = true;
      document.body.appendChild(v);
      const errors: string[] = [];
      const hls = new Hls();
      hls.on(Hls.Events.ERROR, (_e: unknown, d: any) => errors.push(`${d.type}: ${d.details}${d.fatal ? ' (fatal)' : ''}`));
      hls.on(Hls.Events.MANIFEST_PARSED, () => v.play().catch(() => {}));
      hls.loadSource(src);
      hls.attachMedia(v);
      const deadline = Date.now() + 40_000;
      while (v.currentTime < 1.5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
      const out = { time: v.currentTime, frames: v.getVideoPlaybackQuality().totalVideoFrames, width: v.videoWidth, errors };
      hls.destroy();
      return out;
    }, stream.livestreamUrl);
    console.log('[nginx-tls] hls', JSON.stringify(played));
    expect(played.time, played.errors.join('; ')).toBeGreaterThan(1.5);
    expect(played.frames).toBeGreaterThan(10);
    expect(played.width).toBeGreaterThan(0);
    // Segments came through nginx, immutable; the playlist revalidated.
    const cache = await page.evaluate(async (src) => {
      const master = await fetch(src);
      const media = new URL((await master.text()).trim().split('\n').at(-1)!, src).href;
      const playlist = await fetch(media);
      const seg = (await playlist.text()).split('\n').find((l) => l.endsWith('.ts'))!;
      const segment = await fetch(new URL(seg, media).href);
      return { playlist: playlist.headers.get('cache-control'), segment: segment.headers.get('cache-control'), type: segment.headers.get('content-type') };
    }, stream.livestreamUrl);
    expect(cache).toEqual({ playlist: 'no-cache', segment: expect.stringMatching(/immutable/), type: 'video/mp2t' });

    const ended = await rest('POST', '/v2/hls/end', { roomId: ROOM });
    expect(ended.status).toBe(200);
    const hook = await waitFor(async () => receiver.accepted().find((h) => h.json.webhookType === 'hls-playable' || h.json.webhookType === 'hls-started') ?? null, 15_000);
    expect(hook, 'an hls webhook').toBeTruthy();
  }, 150_000);

  it('a client forging X-Forwarded-Host/-Proto or Forwarded through nginx changes no URL (nginx overwrites them)', async () => {
    const room = await rest('POST', '/v2/rooms', {}, { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http', forwarded: 'proto=http;host=evil.example' });
    expect(room.status).toBe(200);
    expect(room.json.links.get_room.startsWith(`${proxyUrl}/v2/rooms/`), room.json.links.get_room).toBe(true);
  });

  it('every URL handed out (REST and webhook bodies) starts with https://<the proxy host>', async () => {
    for (const hook of receiver.accepted()) collectUrls(`webhook ${hook.json.webhookType}`, hook.json.data);
    console.log(`[nginx-tls] ${handedOut.length} URLs handed out, e.g.`, handedOut.slice(0, 3), handedOut.filter((h) => h.from.startsWith('webhook')).slice(0, 3));
    expect(handedOut.length).toBeGreaterThan(5);
    expect(handedOut.some((h) => h.from.startsWith('webhook'))).toBe(true);
    const wrong = handedOut.filter((h) => !h.url.startsWith(`${proxyUrl}/`));
    expect(wrong).toEqual([]);
  });

  it('nginx refuses bodies over 64 KB (413) and redirects plain http to https', async () => {
    const big = await pages.Ada!.evaluate(async () => (await fetch('/v2/rooms', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pad: 'x'.repeat(200_000) }) })).status);
    expect(big).toBe(413);
    const plain = await fetch(`http://127.0.0.1:${httpPort}/v2/rooms`, { redirect: 'manual' });
    expect(plain.status).toBe(301);
    expect(plain.headers.get('location')).toMatch(/^https:\/\//);
  });
});
