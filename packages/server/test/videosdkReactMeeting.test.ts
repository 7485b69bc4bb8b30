// A quickstart-shaped React app (test/fixtures/apps/react-meeting), written against VideoSDK's
// @videosdk.live/react-sdk, served from its own origin, driven in Chromium by two people as they
// would use it — type the meeting id, click Join, chat, toggle mic and camera, leave — checking what
// they would notice: both tiles, the other's video playing, the other's mic/camera state, silence
// after a mute, no echo of one's own voice, the join screen after Leave. The same app runs on
// VideoSDK's real React SDK 1.1.1 over Roomkit's browser SDK, and on Roomkit's own React SDK
// (packages/react) with only its react-sdk import changed, with React 19 and React 18.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, type LaunchedBrowser } from './helpers/chromium.js';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import type { BundleOptions, ServedApp } from './helpers/videosdkApp.js';
import { echoingElements, openApp, remoteLevel, remoteTile, tileFrames, tiles } from './helpers/appPage.js';
import { waitFor } from './helpers/sdkPage.js';

let server: TestServer;
let browser: LaunchedBrowser;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** videosdk-react: VideoSDK's React SDK over Roomkit; roomkit-react: @roomkit/react, the app's import changed. */
const VARIANTS: { sdk: string; room: string; bundle: BundleOptions }[] = [
  { sdk: 'videosdk-react on react 19', room: 'react-quickstart-room', bundle: { reactSdk: 'videosdk', react: 19 } },
  { sdk: 'roomkit-react on react 19', room: 'roomkit-react-19-room', bundle: { reactSdk: 'roomkit', react: 19 } },
  { sdk: 'roomkit-react on react 18', room: 'roomkit-react-18-room', bundle: { reactSdk: 'roomkit', react: 18 } },
];

describe.each(VARIANTS)('the react-rtc quickstart shape, $sdk', ({ room: MEETING, bundle }) => {
  const apps: ServedApp[] = [];
  const pages: Page[] = [];
  let ada: Page;
  let bo: Page;
  const pageErrors: string[] = [];

  async function open(name: string, label: string): Promise<Page> {
    const { token } = (await (await fetch(`${server.url}/dev/token?roomId=${MEETING}`)).json()) as { token: string };
    const { page, app } = await openApp(browser, { appDir: 'react-meeting', serverUrl: server.url, token, name, label, errors: pageErrors, bundle });
    apps.push(app);
    pages.push(page);
    return page;
  }

  async function joinAs(page: Page): Promise<void> {
    await page.getByPlaceholder('Enter Meeting Id').fill(MEETING);
    await page.getByRole('button', { name: 'Join' }).click();
  }

  const remoteFrames = (page: Page) => tileFrames(page);

  beforeAll(async () => {
    ada = await open('Ada', 'ada');
    bo = await open('Bo', 'bo');
  }, 90_000);

  afterAll(async () => {
    for (const page of pages) await page.context().close().catch(() => {});
    for (const app of apps) await app.close();
  });

  it('Ada joins: past "Joining the meeting...", her own tile with camera and mic on, and nothing heard of herself', async () => {
    await joinAs(ada);
    expect(await waitFor(async () => (await tiles(ada)).length === 1 && (await tiles(ada))[0]!.status.includes('Webcam: ON | Mic: ON'), 20_000)).toBe(true);
    const [self] = await tiles(ada);
    expect(self!.local).toBe(true);
    expect(self!.status).toContain('Ada');
    expect(await ada.getByText('Joining the meeting...').count()).toBe(0);
    expect(await echoingElements(ada)).toBe(0);
  }, 30_000);

  it('a chat message Ada sends before Bo arrives reaches Bo when he joins (old messages through usePubSub)', async () => {
    await ada.locator('.chat-input').fill('hello from Ada');
    await ada.getByRole('button', { name: 'Send' }).click();
    expect(await waitFor(async () => (await ada.locator('.chat-message').allTextContents()).includes('Ada: hello from Ada'))).toBe(true);
    await joinAs(bo);
    expect(await waitFor(async () => (await bo.locator('.chat-message').allTextContents()).includes('Ada: hello from Ada'), 20_000)).toBe(true);
  }, 30_000);

  it('both see both tiles, once each, and each sees the other one as remote with camera and mic on', async () => {
    for (const [page, own, other] of [[ada, 'Ada', 'Bo'], [bo, 'Bo', 'Ada']] as const) {
      expect(await waitFor(async () => (await remoteTile(page))?.status.includes('Webcam: ON | Mic: ON'), 20_000)).toBe(true);
      const all = await tiles(page);
      expect(all.length).toBe(2);
      expect(new Set(all.map((t) => t.id)).size).toBe(2);
      expect(all.find((t) => t.local)!.status).toContain(own);
      expect(all.find((t) => !t.local)!.status).toContain(other);
    }
  }, 30_000);

  it("each page plays the other's video and hears the other's voice, never its own", async () => {
    for (const page of [ada, bo]) {
      expect(await waitFor(async () => (await remoteFrames(page)) > 10, 20_000)).toBe(true);
      expect(await waitFor(async () => (await remoteLevel(page)) > 0.01, 20_000)).toBe(true);
      expect(await echoingElements(page)).toBe(0);
    }
  }, 60_000);

  it('a realtime chat message from Bo reaches Ada', async () => {
    await bo.locator('.chat-input').fill('hi Ada');
    await bo.getByRole('button', { name: 'Send' }).click();
    expect(await waitFor(async () => (await ada.locator('.chat-message').allTextContents()).includes('Bo: hi Ada'))).toBe(true);
  });

  it('Ada mutes: Bo sees "Mic: OFF" and hears silence from her tile', async () => {
    await ada.getByRole('button', { name: 'toggleMic' }).click();
    expect(await waitFor(async () => (await remoteTile(bo))?.status.includes('Mic: OFF'))).toBe(true);
    expect(await waitFor(async () => (await remoteLevel(bo)) < 0.001)).toBe(true);
    expect((await tiles(ada)).find((t) => t.local)!.status).toContain('Mic: OFF');
  }, 30_000);

  it('Ada turns her camera off and on again, then unmutes: Bo follows each change and sees her video again', async () => {
    await ada.getByRole('button', { name: 'toggleWebcam' }).click();
    expect(await waitFor(async () => (await remoteTile(bo))?.status.includes('Webcam: OFF'))).toBe(true);
    expect(await bo.locator('.tile[data-local="no"] video').count()).toBe(0);
    await ada.getByRole('button', { name: 'toggleWebcam' }).click();
    expect(await waitFor(async () => (await remoteTile(bo))?.status.includes('Webcam: ON'))).toBe(true);
    expect(await waitFor(async () => (await remoteFrames(bo)) > 10, 20_000)).toBe(true);
    await ada.getByRole('button', { name: 'toggleMic' }).click();
    expect(await waitFor(async () => (await remoteTile(bo))?.status.includes('Mic: ON'))).toBe(true);
    expect(await waitFor(async () => (await remoteLevel(bo)) > 0.01, 20_000)).toBe(true);
    expect(await echoingElements(ada)).toBe(0);
  }, 60_000);

  it('Ada leaves: she is back on the join screen, and her tile goes from Bo\'s page', async () => {
    await ada.getByRole('button', { name: 'Leave' }).click();
    expect(await waitFor(async () => (await ada.getByPlaceholder('Enter Meeting Id').count()) === 1)).toBe(true);
    expect(await waitFor(async () => (await tiles(bo)).length === 1)).toBe(true);
    expect((await tiles(bo))[0]!.local).toBe(true);
  }, 30_000);

  it('Ada joins again: both tiles on both pages, her video plays on Bo\'s page, the chat history is back', async () => {
    await joinAs(ada);
    for (const page of [ada, bo]) expect(await waitFor(async () => (await tiles(page)).length === 2 && (await remoteTile(page))?.status.includes('Webcam: ON'), 20_000)).toBe(true);
    expect(await waitFor(async () => (await remoteFrames(bo)) > 10, 20_000)).toBe(true);
    expect(await waitFor(async () => (await ada.locator('.chat-message').allTextContents()).includes('Bo: hi Ada'))).toBe(true);
    expect(await echoingElements(ada)).toBe(0);
  }, 60_000);

  it('no page threw, and the SDK reported no error to the app', async () => {
    expect(pageErrors).toEqual([]);
    for (const page of [ada, bo]) expect(await page.evaluate(() => (window as any).sdkErrors ?? [])).toEqual([]);
  });
});
