// VideoSDK's real React SDK over Roomkit: an interactive-live-streaming app in the shape of
// VideoSDK's react-hls quickstart (test/fixtures/apps/react-live). A host joins SEND_AND_RECV, a
// viewer joins with the deprecated VIEWER mode; the host sees the viewer in the viewer list and the
// viewer's reactions (usePubSub), invites the viewer on stage over a per-participant topic (which
// needs the viewer's id from initMeeting), the viewer accepts, changeMode turns the viewer's mic
// and camera on as the config says, and the host sees and hears the new speaker, with no echo.
// (HLS playback with hls.js in the same app shape: videosdkIls.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, type LaunchedBrowser } from './helpers/chromium.js';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import type { ServedApp } from './helpers/videosdkApp.js';
import { echoingElements, openApp, remoteLevel, tileFrames, tiles } from './helpers/appPage.js';
import { waitFor } from './helpers/sdkPage.js';

const MEETING = 'react-live-room';
let server: TestServer;
let browser: LaunchedBrowser;
const apps: ServedApp[] = [];
let host: Page;
let viewer: Page;
const pageErrors: string[] = [];

async function open(name: string, label: string): Promise<Page> {
  const { token } = (await (await fetch(`${server.url}/dev/token?roomId=${MEETING}`)).json()) as { token: string };
  const { page, app } = await openApp(browser, { appDir: 'react-live', serverUrl: server.url, token, name, label, errors: pageErrors });
  apps.push(app);
  return page;
}

async function joinAs(page: Page, button: 'Join as Host' | 'Join as Viewer'): Promise<void> {
  await page.getByPlaceholder('Enter Meeting Id').fill(MEETING);
  await page.getByRole('button', { name: button }).click();
}

const text = (page: Page, selector: string) => page.locator(selector).allTextContents();

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
  host = await open('Hana', 'host');
  viewer = await open('Vic', 'viewer');
}, 90_000);

afterAll(async () => {
  await browser?.close();
  for (const app of apps) await app.close();
  await server?.stop();
});

describe("VideoSDK's React SDK over Roomkit: the react-hls quickstart shape", () => {
  it('the host joins on stage; the VIEWER joins as SIGNALLING_ONLY, publishes nothing and shows in the host\'s viewer list', async () => {
    await joinAs(host, 'Join as Host');
    expect(await waitFor(async () => (await tiles(host)).some((t) => t.local && t.status.includes('Webcam: ON | Mic: ON')), 20_000)).toBe(true);
    await joinAs(viewer, 'Join as Viewer');
    expect(await waitFor(async () => (await text(viewer, '.my-mode')).join() === 'Mode: SIGNALLING_ONLY', 20_000)).toBe(true);
    expect(await waitFor(async () => (await text(host, '.viewer')).some((v) => v.startsWith('Vic')), 20_000)).toBe(true);
    // Only the host is on stage: a viewer publishes nothing.
    expect((await tiles(host)).map((t) => t.local)).toEqual([true]);
    expect(await viewer.evaluate(() => (window as any).__capturedTrackIds.length)).toBe(0);
  }, 45_000);

  it("the viewer's reaction reaches the host", async () => {
    await viewer.getByRole('button', { name: 'Send clap' }).click();
    expect(await waitFor(async () => (await text(host, '.reaction')).includes('Vic: clap'))).toBe(true);
  });

  it('the host invites the viewer on stage; Accept turns the viewer into a speaker whose camera and mic the host sees and hears', async () => {
    await host.getByRole('button', { name: 'Invite Vic on stage' }).click();
    expect(await waitFor(async () => (await text(viewer, '.invite')).some((t) => t.includes('Hana invited you on stage')))).toBe(true);
    await viewer.getByRole('button', { name: 'Accept' }).click();
    expect(await waitFor(async () => (await text(viewer, '.my-mode')).join() === 'Mode: SEND_AND_RECV')).toBe(true);
    // changeMode('SEND_AND_RECV') turns mic and camera on (micEnabled/webcamEnabled: true).
    const onStage = await waitFor(async () => (await tiles(host)).find((t) => !t.local && t.status.includes('Vic | Webcam: ON | Mic: ON')), 20_000);
    expect(onStage).toBeTruthy();
    expect(await waitFor(async () => (await tileFrames(host, onStage!.id)) > 10, 20_000)).toBe(true);
    expect(await waitFor(async () => (await remoteLevel(host)) > 0.01, 20_000)).toBe(true);
    expect(await text(host, '.viewer')).toEqual([]);
    // The new speaker sees the host's tile and its own, and hears no echo of itself.
    expect(await waitFor(async () => (await tiles(viewer)).length === 2, 20_000)).toBe(true);
    expect(await echoingElements(viewer)).toBe(0);
    expect(await echoingElements(host)).toBe(0);
  }, 60_000);

  it('no page threw, and the SDK reported no error to the app', async () => {
    expect(pageErrors).toEqual([]);
    for (const page of [host, viewer]) expect(await page.evaluate(() => (window as any).sdkErrors ?? [])).toEqual([]);
  });
});
