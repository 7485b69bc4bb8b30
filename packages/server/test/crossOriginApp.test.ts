// A plain-JS app on its own origin (test/fixtures/plainJsApp, in the shape of VideoSDK's js-rtc
// quickstart) loads the SDK from the Roomkit server with a classic <script>, creates its room with
// POST /v2/rooms from the page and joins with no server URL option. Two people use it in Chromium:
// one from the plain /sdk/videosdk.js, one from the versioned URL with SRI (crossorigin: needs CORS);
// then the same app importing the ES module build.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken } from '../src/auth/AccessToken.js';
import { DEV_API_KEY, DEV_API_SECRET } from '../src/config/defaults.js';
import { launchChromium, type LaunchedBrowser } from './helpers/chromium.js';
import { waitFor } from './helpers/sdkPage.js';
import { startTestServer, type TestServer } from './helpers/testServer.js';

const appDir = fileURLToPath(new URL('./fixtures/plainJsApp/', import.meta.url));

let roomkit: TestServer;
let app: { server: Server; url: string } | undefined;
let browser: LaunchedBrowser;
/** Console errors and failed requests per page: a CORS refusal shows up here first. */
const problems: string[] = [];

/** The app's static server on another port of 127.0.0.1 (another origin), with its config.js. */
async function startAppServer(roomkitUrl: string, pinned: { url: string; integrity: string }): Promise<{ server: Server; url: string }> {
  // What the app's backend would mint with the API secret (the quickstart pastes one in config.js).
  const token = generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join', 'allow_mod'], expiresInSeconds: 3600 });
  const html = readFileSync(`${appDir}index.html`, 'utf8');
  const files: Record<string, { type: string; body: string }> = {
    '/': { type: 'text/html', body: html.replace('<!-- sdk -->', `<script src="${roomkitUrl}/sdk/videosdk.js"></script>`) },
    '/pinned.html': {
      type: 'text/html',
      body: html.replace('<!-- sdk -->', `<script src="${pinned.url}" integrity="${pinned.integrity}" crossorigin="anonymous"></script>`),
    },
    // The same app importing the ES module build instead (CORS is required for module scripts).
    '/module.html': {
      type: 'text/html',
      body: html.replace('<!-- sdk -->', `<script type="module">import { VideoSDK } from '${roomkitUrl}/sdk/videosdk.mjs'; window.VideoSDK = VideoSDK;</script>`),
    },
    '/index.js': { type: 'text/javascript', body: readFileSync(`${appDir}index.js`, 'utf8') },
    '/config.js': { type: 'text/javascript', body: `const TOKEN = ${JSON.stringify(token)};\nconst ROOMKIT_URL = ${JSON.stringify(roomkitUrl)};\n` },
  };
  const server = createServer((req, res) => {
    const file = files[(req.url ?? '/').split('?')[0]!];
    if (req.url === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': `${file.type}; charset=utf-8` }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  roomkit = await startTestServer();
  const manifest = (await (await fetch(`${roomkit.url}/sdk/manifest.json`)).json()) as { files: Record<string, { url: string; integrity: string }> };
  const classic = manifest.files['videosdk.js']!;
  app = await startAppServer(roomkit.url, { url: new URL(classic.url, `${roomkit.url}/sdk/manifest.json`).href, integrity: classic.integrity });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  if (app) await new Promise((resolve) => app!.server.close(resolve));
  await roomkit?.stop();
});

async function openApp(path: string, label: string): Promise<Page> {
  const page = await browser.newPage('about:blank', label);
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`[${label}] ${msg.text()}`);
  });
  page.on('requestfailed', (req) => problems.push(`[${label}] request failed: ${req.url()} ${req.failure()?.errorText ?? ''}`));
  await page.goto(`${app!.url}${path}`);
  return page;
}

/** What a person sees on a tile: name, mic and camera labels, and whether its video is moving. */
const tiles = (page: Page) =>
  page.$$eval('#grid .tile', (els) =>
    els.map((el) => ({
      name: el.querySelector('.name')!.textContent!,
      local: (el as HTMLElement).dataset.local === 'true',
      mic: el.querySelector('.mic')!.textContent!,
      cam: el.querySelector('.cam')!.textContent!,
    })),
  );

const remoteTile = async (page: Page, name: string) => (await tiles(page)).find((t) => !t.local && t.name === name);

/** Decoded frames of the remote tile's video: width and a frame count taken one second apart. */
const remoteVideoProgress = (page: Page) =>
  page.evaluate(async () => {
    const video = document.querySelector('#grid .tile[data-local="false"] video') as HTMLVideoElement | null;
    if (!video) return { width: 0, frames: 0, time: 0, advanced: false };
    const before = { frames: video.getVideoPlaybackQuality().totalVideoFrames, time: video.currentTime };
    await new Promise((r) => setTimeout(r, 1000));
    const frames = video.getVideoPlaybackQuality().totalVideoFrames;
    return { width: video.videoWidth, frames, time: video.currentTime, advanced: frames > before.frames && video.currentTime > before.time };
  });

/** Waits for the meeting screen; on failure says what the page's status line says. */
async function expectJoined(page: Page) {
  const joined = await waitFor(() => page.isVisible('#meeting-screen'), 25_000);
  expect(joined, `not in the meeting; page status: ${await page.textContent('#status')}`).toBe(true);
}

async function expectRemote(page: Page, name: string, want: { mic: string; cam: string }) {
  const seen = await waitFor(async () => {
    const tile = await remoteTile(page, name);
    return tile?.mic === want.mic && tile.cam === want.cam;
  }, 20_000);
  expect(seen, `${name} as seen: ${JSON.stringify(await remoteTile(page, name))}`).toBe(true);
}

async function expectVideoPlaying(page: Page) {
  const playing = await waitFor(async () => {
    const p = await remoteVideoProgress(page);
    return p.width > 0 && p.advanced;
  }, 25_000, 100);
  expect(playing, `remote video: ${JSON.stringify(await remoteVideoProgress(page))}`).toBe(true);
}

describe('a plain-JS app on another origin', () => {
  it('creates a room from the page, two people join by meeting id with no server URL option, see and hear each other and follow mic/camera toggles', async () => {
    const ada = await openApp('/', 'ada');
    // window.VideoSDK as VideoSDK's CDN build sets it, with its Constants and the other exports.
    expect(await ada.evaluate(() => typeof (window as any).VideoSDK?.initMeeting)).toBe('function');
    expect(await ada.evaluate(() => typeof (window as any).VideoSDK.Constants?.errors)).toBe('object');
    expect(await ada.evaluate(() => typeof (window as any).VideoSDK.Meeting)).toBe('function');

    await ada.fill('#name-input', 'Ada');
    await ada.click('#create-btn');
    await expectJoined(ada);
    const meetingId = (await ada.textContent('#meeting-id'))!.trim();
    expect(meetingId).toMatch(/\S/);
    // The room exists on the server: the page created it, the join did not.
    const check = await fetch(`${roomkit.url}/v2/rooms/${meetingId}`, { headers: { authorization: generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join'] }) } });
    expect(check.status).toBe(200);

    const bo = await openApp('/pinned.html', 'bo');
    await bo.fill('#meeting-id-input', meetingId);
    await bo.fill('#name-input', 'Bo');
    await bo.click('#join-btn');
    await expectJoined(bo);

    // Each page shows both tiles, the other one live with mic and camera on, its video moving.
    await expectRemote(ada, 'Bo', { mic: 'mic on', cam: 'camera on' });
    await expectRemote(bo, 'Ada', { mic: 'mic on', cam: 'camera on' });
    for (const [page, self] of [[ada, 'Ada (you)'], [bo, 'Bo (you)']] as const) {
      expect((await tiles(page)).map((t) => t.name).sort()).toEqual([self, self === 'Ada (you)' ? 'Bo' : 'Ada'].sort());
      expect((await tiles(page)).find((t) => t.local)?.cam).toBe('camera on');
    }
    await expectVideoPlaying(ada);
    await expectVideoPlaying(bo);

    // Bo mutes, then turns the camera off: Ada sees both; and back on.
    await bo.click('#mic-btn');
    await expectRemote(ada, 'Bo', { mic: 'mic off', cam: 'camera on' });
    await bo.click('#cam-btn');
    await expectRemote(ada, 'Bo', { mic: 'mic off', cam: 'camera off' });
    await bo.click('#cam-btn');
    await bo.click('#mic-btn');
    await expectRemote(ada, 'Bo', { mic: 'mic on', cam: 'camera on' });
    await expectVideoPlaying(ada);
    // Ada's toggles reach Bo the same way.
    await ada.click('#cam-btn');
    await expectRemote(bo, 'Ada', { mic: 'mic on', cam: 'camera off' });
    await ada.click('#mic-btn');
    await expectRemote(bo, 'Ada', { mic: 'mic off', cam: 'camera off' });

    await bo.click('#leave-btn');
    expect(await waitFor(async () => (await tiles(ada)).length === 1, 20_000)).toBe(true);
    // Ada's page can drop Bo's tile before Bo's own meeting-left arrives: wait for it.
    expect(await waitFor(async () => (await bo.textContent('#status'))?.includes('left'), 10_000)).toBe(true);

    // Nothing was refused on the way (a CORS block or SRI mismatch would be logged as an error).
    expect(problems.filter((p) => /CORS|integrity|blocked|ERR_FAILED/i.test(p))).toEqual([]);
  });

  it('the same app importing /sdk/videosdk.mjs from the Roomkit server also needs no server URL', async () => {
    const cy = await openApp('/module.html', 'cy');
    expect(await waitFor(() => cy.evaluate(() => typeof (window as any).VideoSDK?.initMeeting === 'function'))).toBe(true);
    await cy.fill('#name-input', 'Cy');
    await cy.click('#create-btn');
    await expectJoined(cy);
    const meetingId = (await cy.textContent('#meeting-id'))!.trim();
    const di = await openApp('/module.html', 'di');
    expect(await waitFor(() => di.evaluate(() => typeof (window as any).VideoSDK?.initMeeting === 'function'))).toBe(true);
    await di.fill('#meeting-id-input', meetingId);
    await di.fill('#name-input', 'Di');
    await di.click('#join-btn');
    await expectJoined(di);
    await expectRemote(cy, 'Di', { mic: 'mic on', cam: 'camera on' });
    await expectRemote(di, 'Cy', { mic: 'mic on', cam: 'camera on' });
    await expectVideoPlaying(cy);
    await di.click('#cam-btn');
    await expectRemote(cy, 'Di', { mic: 'mic on', cam: 'camera off' });
    expect(problems.filter((p) => /CORS|integrity|blocked|ERR_FAILED/i.test(p))).toEqual([]);
  });
});
