// A VideoSDK React app using more of the react-sdk API than the quickstart (fixtures/apps/react-api):
// auto-join, useMeeting's callbacks, AudioPlayer, camera and screen-share VideoPlayers, pins,
// send()/onData, usePubSub's onMessageReceived, useRealtimeStore, and useWhiteboard (which Roomkit
// lacks: 3068). Run on Roomkit's React SDK (the app's import aliased to packages/react) with React 19
// and 18, and on VideoSDK's own React SDK over Roomkit's browser SDK, to show both behave alike.
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

const VARIANTS: { sdk: string; room: string; bundle: BundleOptions; strictMode?: boolean }[] = [
  { sdk: 'roomkit-react on react 19', room: 'react-api-19', bundle: { reactSdk: 'roomkit', react: 19 } },
  { sdk: 'roomkit-react, react 19, StrictMode', room: 'react-api-strict', bundle: { reactSdk: 'roomkit', react: 19 }, strictMode: true },
  { sdk: 'roomkit-react on react 18', room: 'react-api-18', bundle: { reactSdk: 'roomkit', react: 18 } },
  { sdk: 'videosdk-react on react 19', room: 'react-api-videosdk', bundle: { reactSdk: 'videosdk', react: 19 } },
];

const eventLines = (page: Page) => page.locator('.events li').allTextContents();
/** Waits for `line` in the page's log; fails showing the log it saw. */
async function logged(page: Page, line: string, timeout = 10_000): Promise<boolean> {
  if (await waitFor(async () => (await eventLines(page)).includes(line), timeout)) return true;
  throw new Error(`'${line}' not in the page's log: ${JSON.stringify(await eventLines(page))}`);
  return false;
}
const summary = (page: Page) => page.locator('.summary').textContent();
const shareFrames = (page: Page) =>
  page.evaluate(() => {
    const video = document.querySelector<HTMLVideoElement>('.tile[data-local="no"] video.share-video');
    return video && video.videoWidth > 0 ? video.getVideoPlaybackQuality().totalVideoFrames : 0;
  });

describe.each(VARIANTS)('a VideoSDK React app using more of the API, $sdk', ({ room, bundle, strictMode = false }) => {
  const apps: ServedApp[] = [];
  const pages: Page[] = [];
  const pageErrors: string[] = [];
  let ada: Page;
  let bo: Page;

  async function open(name: string, label: string): Promise<Page> {
    const { token } = (await (await fetch(`${server.url}/dev/token?roomId=${room}`)).json()) as { token: string };
    const { page, app } = await openApp(browser, { appDir: 'react-api', serverUrl: server.url, token, name, label, errors: pageErrors, bundle, config: { meetingId: room, strictMode } });
    apps.push(app);
    pages.push(page);
    return page;
  }

  beforeAll(async () => {
    ada = await open('Ada', 'ada');
    expect(await logged(ada, 'joined', 20_000)).toBe(true);
    bo = await open('Bo', 'bo');
  }, 90_000);

  afterAll(async () => {
    for (const page of pages) await page.context().close().catch(() => {});
    for (const app of apps) await app.close();
  });

  it('joinWithoutUserInteraction joins both; participants counts the local one; Ada hears onParticipantJoined for Bo', async () => {
    expect(await logged(bo, 'joined', 20_000)).toBe(true);
    for (const page of [ada, bo]) expect(await waitFor(async () => (await summary(page))?.includes('joined=yes participants=2'), 20_000)).toBe(true);
    expect(await logged(ada, 'participant-joined:Bo')).toBe(true);
    expect(await summary(bo)).toContain('local=Bo');
  }, 30_000);

  it("AudioPlayer plays the other's voice and never one's own; VideoPlayer plays the other's camera", async () => {
    for (const page of [ada, bo]) {
      expect(await waitFor(async () => (await remoteTile(page))?.status.includes('Webcam: ON | Mic: ON'), 20_000)).toBe(true);
      expect(await waitFor(async () => (await tileFrames(page)) > 10, 20_000)).toBe(true);
      expect(await waitFor(async () => (await remoteLevel(page)) > 0.01, 20_000)).toBe(true);
      expect(await echoingElements(page)).toBe(0);
    }
  }, 60_000);

  it("Bo shares his screen: Ada hears onPresenterChanged, sees presenterId and plays the share in a type='share' VideoPlayer; stopping clears it", async () => {
    await bo.getByRole('button', { name: 'Share' }).click();
    expect(await logged(ada, 'presenter:Bo', 20_000)).toBe(true);
    expect(await summary(ada)).toContain('presenter=Bo');
    expect(await waitFor(async () => (await shareFrames(ada)) > 5, 20_000)).toBe(true);
    await bo.getByRole('button', { name: 'Share' }).click();
    expect(await logged(ada, 'presenter:none', 20_000)).toBe(true);
    expect(await waitFor(async () => (await remoteTile(ada))?.status.includes('Share: OFF'))).toBe(true);
  }, 60_000);

  it("Ada pins Bo's camera: both hear onPinStateChanged, Ada's tile of Bo shows it pinned", async () => {
    await ada.getByRole('button', { name: 'Pin Bo' }).click();
    for (const page of [ada, bo]) expect(await logged(page, 'pin:Bo:cam=true:by=Ada')).toBe(true);
    expect(await waitFor(async () => (await remoteTile(ada))?.status.includes('Pinned: yes'))).toBe(true);
  }, 30_000);

  it('send() reaches the other as onData; a PubSub message reaches both as onMessageReceived', async () => {
    await ada.getByRole('button', { name: 'Send data' }).click();
    expect(await logged(bo, 'data:ping from Ada:from=Ada')).toBe(true);
    await bo.getByRole('button', { name: 'Chat' }).click();
    for (const page of [ada, bo]) expect(await logged(page, 'chat:Bo:yo from Bo')).toBe(true);
  }, 30_000);

  // VideoSDK's react-sdk hands onValueChanged the js-sdk observe() callback's first argument as it
  // is; it declares `({value, updatedBy})`, while @roomkit/client's observe() calls back with
  // `(value, updatedBy)` as js-sdk 1.1's documentation shows, so over Roomkit's browser SDK that app
  // gets `value` as a string. @roomkit/react follows the declaration. (Reported in the issue #15 work.)
  it.skipIf(bundle.reactSdk === 'videosdk')("useRealtimeStore: Ada's value reaches Bo as onValueChanged({value, updatedBy})", async () => {
    await ada.getByRole('button', { name: 'Set store' }).click();
    expect(await logged(bo, 'store:blue from Ada:by=Ada')).toBe(true);
  }, 30_000);

  it('useWhiteboard().startWhiteboard() rejects with 3068 (ERROR_ACTION_NOT_SUPPORTED)', async () => {
    await ada.getByRole('button', { name: 'Whiteboard' }).click();
    expect(await logged(ada, 'whiteboard:3068')).toBe(true);
  });

  it('Ada leaves: onMeetingLeft on her page, onParticipantLeft and one tile on Bo\'s', async () => {
    await ada.getByRole('button', { name: 'Leave' }).click();
    expect(await logged(ada, 'left')).toBe(true);
    expect(await logged(bo, 'participant-left:Ada')).toBe(true);
    expect(await waitFor(async () => (await tiles(bo)).length === 1)).toBe(true);
    expect(await summary(bo)).toContain('participants=1');
  }, 30_000);

  it('no page threw; the only SDK error reported to the app is the whiteboard refusal', async () => {
    expect(pageErrors).toEqual([]);
    expect(await bo.evaluate(() => (window as any).sdkErrors ?? [])).toEqual([]);
    const adaErrors: string[] = await ada.evaluate(() => (window as any).sdkErrors ?? []);
    expect(adaErrors.every((e) => e.startsWith('3068 '))).toBe(true);
  });
});
