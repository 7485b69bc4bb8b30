// What a person sees on a test app's page (test/fixtures/apps): tiles, whether their video is moving,
// the text of an element. Reads the DOM only, never the SDK, so it checks the app as its user would.
import type { Page } from 'playwright-core';

/** Frames shown so far by the first <video> under `selector` and its size (0 when none). */
export async function videoProgress(page: Page, selector: string): Promise<{ frames: number; width: number; time: number }> {
  return page.evaluate((sel) => {
    const video = document.querySelector(sel) as HTMLVideoElement | null;
    const el = video && video.tagName === 'VIDEO' ? video : (document.querySelector(`${sel} video`) as HTMLVideoElement | null);
    if (!el) return { frames: 0, width: 0, time: 0 };
    return { frames: el.getVideoPlaybackQuality().totalVideoFrames, width: el.videoWidth, time: el.currentTime };
  }, selector);
}

/** Resolves once the video under `selector` has shown `minNewFrames` more frames than when called. */
export async function videoAdvances(page: Page, selector: string, minNewFrames = 10, timeoutMs = 20_000): Promise<boolean> {
  const start = Date.now();
  const first = await videoProgress(page, selector);
  while (Date.now() - start < timeoutMs) {
    const now = await videoProgress(page, selector);
    if (now.width > 0 && now.frames - first.frames >= minNewFrames) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/** Text of the first element matching `selector`, or null. */
export async function textOf(page: Page, selector: string): Promise<string | null> {
  return page.evaluate((sel) => document.querySelector(sel)?.textContent ?? null, selector);
}
