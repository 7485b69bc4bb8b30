// The demo page as a new user meets it: two tabs join one room, see each other, and chat.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, type LaunchedBrowser } from './helpers/chromium.js';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { waitFor } from './helpers/sdkPage.js';

let server: TestServer;
let browser: LaunchedBrowser;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function joinDemo(name: string, room: string): Promise<Page> {
  const page = await browser.newPage(`${server.url}/?room=${room}`, name);
  await page.fill('#name', name);
  expect(await page.inputValue('#room')).toBe(room);
  await page.click('#join');
  await page.waitForSelector('#meeting:not([hidden])', { timeout: 15_000 });
  return page;
}

/** Largest decoded width among the page's remote video tiles (0 when none plays). */
const remoteVideoWidth = (page: Page) =>
  page.evaluate(() => Math.max(0, ...[...document.querySelectorAll('#grid video')].filter((v) => !(v as HTMLVideoElement).closest('[data-local]')).map((v) => (v as HTMLVideoElement).videoWidth)));

describe('demo page', () => {
  it('two tabs in one room see each other, count two people and exchange chat', async () => {
    const ada = await joinDemo('Ada', 'demo-room');
    const bob = await joinDemo('Bob', 'demo-room');
    for (const page of [ada, bob]) {
      const counted = await waitFor(async () => (await page.textContent('#participant-count'))?.trim() === '2');
      if (!counted) await page.screenshot({ path: '/tmp/demo-fail.png' });
      expect(counted, `count is ${await page.textContent('#participant-count')}`).toBe(true);
      expect(await waitFor(async () => (await remoteVideoWidth(page)) > 0, 20_000)).toBe(true);
    }
    await ada.fill('#chat-input', 'hi bob');
    await ada.click('#chat-send');
    expect(await waitFor(async () => (await bob.textContent('#chat-log'))?.includes('hi bob'))).toBe(true);
    expect(await bob.textContent('#chat-log')).toContain('Ada');
    if (process.env.DEMO_SCREENSHOT) await bob.screenshot({ path: process.env.DEMO_SCREENSHOT });
    await bob.click('#leave');
    expect(await waitFor(async () => (await ada.textContent('#participant-count'))?.trim() === '1')).toBe(true);
  });
});
