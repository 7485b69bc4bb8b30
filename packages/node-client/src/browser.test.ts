// Proves the synthetic stream is valid VP8: Chromium (the browser SDK) decodes the Node publisher.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type LaunchedBrowser } from '../../server/test/helpers/chromium.js';
import { join, openSdkPage, videoInfo, waitFor } from '../../server/test/helpers/sdkPage.js';
import { startTestServer, type TestServer } from '../../server/test/helpers/testServer.js';
import { fetchDevToken, initMeeting, loadSyntheticMedia, type Meeting } from './index.js';

let server: TestServer;
let browser: LaunchedBrowser;
let publisher: Meeting | undefined;

beforeAll(async () => {
  server = await startTestServer();
  await loadSyntheticMedia();
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await publisher?.leave().catch(() => {});
  await browser?.close();
  await server?.stop();
});

describe('node client with a browser', () => {
  it('a Chromium participant decodes the Node publisher\'s simulcast VP8 (framesDecoded rising)', async () => {
    publisher = initMeeting({
      meetingId: 'node-browser', name: 'node-pub', signalingBaseUrl: server.url, token: await fetchDevToken(server.url, 'node-browser'),
      micEnabled: true, webcamEnabled: true, bindAddress: '127.0.0.1',
    });
    await publisher.join();
    const page = await openSdkPage(browser, server.url, 'viewer');
    expect((await join(page, { meetingId: 'node-browser', name: 'viewer', micEnabled: false, webcamEnabled: false })).ok).toBe(true);
    const id = publisher.localParticipant.id;
    const first = await waitFor(async () => {
      const info = await videoInfo(page, id);
      return info && info.framesDecoded > 10 ? info : null;
    }, 20_000);
    expect(first?.framesDecoded).toBeGreaterThan(10);
    await new Promise((r) => setTimeout(r, 1000));
    const later = await videoInfo(page, id);
    expect(later!.framesDecoded).toBeGreaterThan(first!.framesDecoded + 10);
    // The top layer (1280 wide) decodes too. The viewer may start lower: its downlink estimate
    // ramps up over the first seconds (a fresh-clone CI run was still at 320 after 2.7 s).
    let width = later!.statWidth;
    const top = await waitFor(async () => {
      const info = await videoInfo(page, id);
      width = info?.statWidth ?? width;
      return info?.statWidth === 1280 && info.framesDecoded > later!.framesDecoded ? info : null;
    }, 20_000);
    expect(top?.statWidth, `still ${width} wide after 20 s`).toBe(1280);
  }, 60_000);
});
