// A meeting of three Chromium participants spanning two media workers (mediaWorkerRoomCapacity 1):
// whichever worker carries a participant's subscriber connection, every participant's video is
// decoded by every other participant's browser.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, type LaunchedBrowser } from './helpers/chromium.js';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { events, join, localState, openSdkPage, videoInfo, waitFor } from './helpers/sdkPage.js';
import { WorkerMediaEngine } from '../src/media/WorkerMediaEngine.js';

let server: TestServer;
let browser: LaunchedBrowser;
const pages: Record<string, Page> = {};
const ids: Record<string, string> = {};
const NAMES = ['Ann', 'Bo', 'Cy'];

beforeAll(async () => {
  server = await startTestServer({ mediaWorkers: 2, mediaWorkerRoomCapacity: 1 });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function decoding(viewer: string, other: string): Promise<boolean> {
  const a = await videoInfo(pages[viewer]!, ids[other]!);
  if (!a || a.framesDecoded === 0) return false;
  await new Promise((r) => setTimeout(r, 700));
  const b = await videoInfo(pages[viewer]!, ids[other]!);
  return !!b && b.framesDecoded > a.framesDecoded;
}

/** What a publisher's page says about itself, for a failure message: errors, camera state, its connections. */
async function diagnose(name: string): Promise<string> {
  const errors = (await events(pages[name]!)).filter((e) => e.ev === 'error');
  const local = await localState(pages[name]!);
  const pcs = await pages[name]!.evaluate(() => ((window as any).__pcs as RTCPeerConnection[]).map((pc) => `${pc.connectionState}/${pc.iceConnectionState}/${pc.signalingState}`));
  return JSON.stringify({ errors, local, pcs });
}

describe('a meeting spanning two media workers (Chromium)', () => {
  it('every participant decodes every other one, with subscriber connections on both workers', async () => {
    const engine = server.server.media as WorkerMediaEngine;
    expect(engine).toBeInstanceOf(WorkerMediaEngine);
    for (const name of NAMES) {
      pages[name] = await openSdkPage(browser, server.url, name);
      const res = await join(pages[name]!, { meetingId: 'span-room', name, micEnabled: true, webcamEnabled: true });
      expect(res.ok).toBe(true);
      ids[name] = res.participantId!;
    }
    const placed = (engine as unknown as { spanning: { subscriberOf: Map<string, { worker: { index: number } }> } }).spanning.subscriberOf;
    const workers = new Set([...placed.values()].map((p) => p.worker.index));
    expect([...workers].sort()).toEqual([0, 1]);
    for (const viewer of NAMES) {
      for (const other of NAMES) {
        if (viewer === other) continue;
        const ok = await waitFor(() => decoding(viewer, other), 30_000);
        expect(ok, `${viewer} decodes ${other}; ${other}'s page: ${ok ? '' : await diagnose(other)}`).toBe(true);
      }
    }
  });
});
