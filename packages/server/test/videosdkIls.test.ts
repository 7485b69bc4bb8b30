// An interactive live streaming app written for VideoSDK's React SDK (test/fixtures/apps/ils), run
// on VideoSDK's real @videosdk.live/react-sdk 1.1.1 over Roomkit's SDK, from an origin of its own,
// in Chromium, driven as people would: the host creates the stream from the page (POST /v2/rooms),
// joins, starts HLS with the quickstart's config (gridSize as a string); a viewer joins
// SIGNALLING_ONLY and watches it with hls.js and the quickstart's low-latency player settings,
// sends a heart, asks to join the stage; the host invites them and they come on stage (changeMode),
// with their camera and mic on as their meeting config says.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { generateToken } from '../src/auth/AccessToken.js';
import { DEV_API_KEY, DEV_API_SECRET } from '../src/config/defaults.js';
import { launchChromium, type LaunchedBrowser } from './helpers/chromium.js';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { bundleApp, serveApp, TEST_APPS_DIR, type ServedApp } from './helpers/videosdkApp.js';
import { textOf, videoAdvances } from './helpers/appPage.js';
import { waitFor } from './helpers/sdkPage.js';

let server: TestServer;
let browser: LaunchedBrowser;
let hostApp: ServedApp;
let viewerApp: ServedApp;
let host: Page;
let viewer: Page;
let meetingId = '';

// One token for the whole app, as VideoSDK's quickstarts ship it: join and moderate, any room.
const appToken = () => generateToken({ apiKey: DEV_API_KEY, apiSecret: DEV_API_SECRET, permissions: ['allow_join', 'allow_mod'] });

beforeAll(async () => {
  server = await startTestServer();
  const script = await bundleApp(`${TEST_APPS_DIR}ils/main.jsx`);
  const token = appToken();
  hostApp = await serveApp({ title: 'ILS host', script, config: { token, serverUrl: server.url, name: 'Hana' } });
  viewerApp = await serveApp({ title: 'ILS viewer', script, config: { token, serverUrl: server.url, name: 'Vik' } });
  browser = await launchChromium();
  host = await browser.newPage(hostApp.url, 'host');
  viewer = await browser.newPage(viewerApp.url, 'viewer');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await hostApp?.close();
  await viewerApp?.close();
  await server?.stop();
});

const appErrors = (page: Page) => page.evaluate(() => (window as any).appErrors ?? []);

describe('interactive live streaming app on VideoSDK React SDK', () => {
  it('the host creates the stream from the page and goes on stage with their camera', async () => {
    await host.click('#create');
    await host.waitForSelector('#speaker-view', { timeout: 20_000 });
    meetingId = (await textOf(host, '#meeting-id-label')) ?? '';
    expect(meetingId).toMatch(/^[a-z0-9-]+$/i);
    const me = await host.getAttribute('#speaker-view', 'data-me');
    expect(me).toBeTruthy();
    // The self-view tile, from the local participant's id.
    await host.waitForSelector(`.tile[data-participant="${me}"][data-local="true"] video`, { timeout: 15_000 });
    expect(await videoAdvances(host, `.tile[data-participant="${me}"]`)).toBe(true);
  });

  it('a viewer joins SIGNALLING_ONLY and waits for the stream', async () => {
    await viewer.fill('#meeting-id', meetingId);
    await viewer.click('#join-viewer');
    await viewer.waitForSelector('#viewer-view', { timeout: 20_000 });
    expect(await textOf(viewer, '#waiting')).toContain('Waiting');
    // The viewer is not on the host's stage.
    expect(await host.locator('.tile').count()).toBe(1);
  });

  it('Start HLS with the quickstart config plays on the viewer with the quickstart player settings', async () => {
    await host.click('#toggle-hls');
    expect(await waitFor(async () => (await textOf(viewer, '#hls-state')) === 'HLS_PLAYABLE', 60_000)).toBe(true);
    expect(await textOf(host, '#hls-state')).toBe('HLS_PLAYABLE');
    await viewer.waitForSelector('#hls-player', { timeout: 5_000 });
    expect(await videoAdvances(viewer, '#hls-player', 20, 40_000)).toBe(true);
  }, 120_000);

  it("a viewer's heart reaches the host over PubSub, with the viewer's name", async () => {
    await viewer.click('#react-heart');
    expect(await waitFor(async () => (await textOf(host, '#reactions'))?.includes('Vik:heart'))).toBe(true);
  });

  it('the viewer asks to join the stage, the host invites them, and they come on stage with camera and mic', async () => {
    await viewer.click('#ask-stage');
    await host.waitForSelector('#stage-requests .invite', { timeout: 15_000 });
    expect(await textOf(host, '#stage-requests')).toContain('Vik wants to join the stage');
    await host.click('#stage-requests .invite');
    // The viewer's app switches to the speaker view once its mode is SEND_AND_RECV...
    await viewer.waitForSelector('#speaker-view', { timeout: 20_000 });
    const vikId = await viewer.getAttribute('#speaker-view', 'data-me');
    // ...and its camera and mic come on as its meeting config says (micEnabled/webcamEnabled true).
    // 45 s: on a loaded machine (the whole suite at once) getUserMedia, two publishes and ICE took over 20 s once.
    expect(await waitFor(async () => (await textOf(host, `.tile[data-participant="${vikId}"] .label`))?.includes('mic on | camera on'), 45_000)).toBe(true);
    expect(await videoAdvances(host, `.tile[data-participant="${vikId}"]`)).toBe(true);
    // Both tiles on both pages.
    expect(await waitFor(async () => (await viewer.locator('.tile').count()) === 2)).toBe(true);
    expect(await host.locator('.tile').count()).toBe(2);
  }, 120_000);

  it('Stop HLS ends the stream for everyone; leaving returns to the join screen; no SDK errors', async () => {
    await host.click('#toggle-hls');
    expect(await waitFor(async () => (await textOf(viewer, '#hls-state')) === 'HLS_STOPPED', 30_000)).toBe(true);
    await viewer.click('#leave');
    await viewer.waitForSelector('#join-screen', { timeout: 15_000 });
    expect(await waitFor(async () => (await host.locator('.tile').count()) === 1)).toBe(true);
    expect(await appErrors(host)).toEqual([]);
    expect(await appErrors(viewer)).toEqual([]);
  }, 60_000);
});
