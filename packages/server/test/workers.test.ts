// Media workers: a meeting survives the death of the worker process carrying its media. The
// server stays up, nobody sees anyone leave, and video flows again after the rebuild.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchChromium, type LaunchedBrowser } from './helpers/chromium.js';
import { startTestServer, type TestServer } from './helpers/testServer.js';
import { events, join, openSdkPage, videoInfo, waitFor } from './helpers/sdkPage.js';
import { WorkerMediaEngine } from '../src/media/WorkerMediaEngine.js';

let server: TestServer;
let browser: LaunchedBrowser;
const pages: Record<string, Page> = {};
const ids: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer({ mediaWorkers: 2 });
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

describe('media worker crash', () => {
  it('the meeting recovers on the remaining worker without anyone leaving', async () => {
    const engine = server.server.media;
    expect(engine).toBeInstanceOf(WorkerMediaEngine);
    for (const name of ['Ann', 'Bo']) {
      pages[name] = await openSdkPage(browser, server.url, name);
      const res = await join(pages[name]!, { meetingId: 'worker-room', name, micEnabled: true, webcamEnabled: true });
      expect(res.ok).toBe(true);
      ids[name] = res.participantId!;
    }
    expect(await waitFor(() => decoding('Ann', 'Bo'), 20_000)).toBe(true);
    expect(await waitFor(() => decoding('Bo', 'Ann'), 20_000)).toBe(true);

    const workers = engine as WorkerMediaEngine;
    // One meeting: the worker carrying a router is the one carrying this meeting.
    const owning = [0, 1].find((i) => (workers as unknown as { workers: Array<{ routers: Set<string> }> }).workers[i]!.routers.size > 0)!;
    await workers.crashWorker(owning);
    expect(workers.workerCount).toBe(1);

    expect(await waitFor(() => decoding('Ann', 'Bo'), 30_000)).toBe(true);
    expect(await waitFor(() => decoding('Bo', 'Ann'), 30_000)).toBe(true);
    for (const name of ['Ann', 'Bo']) {
      const evs = await events(pages[name]!);
      expect(evs.some((e) => e.ev === 'participant-left' || e.ev === 'meeting-left'), name).toBe(false);
    }
    const health = await fetch(`${server.url}/health`).then((r) => r.json());
    expect(health.ok).toBe(true);
  });
});
