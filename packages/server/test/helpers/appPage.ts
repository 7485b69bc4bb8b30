// What a person sees and hears on a test app's page (test/fixtures/apps, VideoSDK-shaped React apps
// bundled with videosdkApp.ts): tiles (`.tile[data-participant][data-local]` with a `.status`
// line), whether video is moving, text, audio levels, and whether any audible element plays the
// page's own microphone. Reads the DOM only, never the SDK, so it checks the app as its user would.
import type { Page } from 'playwright-core';
import type { LaunchedBrowser } from './chromium.js';
import { bundleApp, serveApp, TEST_APPS_DIR, type BundleOptions, type ServedApp } from './videosdkApp.js';

/** Every track getUserMedia hands this page, so a test can tell the page's own voice from others'. */
function recordCapturedTracks(): void {
  const captured: string[] = [];
  (window as any).__capturedTrackIds = captured;
  const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await original(constraints);
    for (const t of stream.getTracks()) captured.push(t.id);
    return stream;
  };
}

export interface OpenedApp {
  page: Page;
  app: ServedApp;
}

/** Bundles test/fixtures/apps/<appDir>/App.jsx, serves it on its own origin for `name`, opens it. */
export async function openApp(
  browser: LaunchedBrowser,
  opts: { appDir: string; serverUrl: string; token: string; name: string; label: string; errors: string[]; bundle?: BundleOptions; config?: Record<string, unknown> },
): Promise<OpenedApp> {
  const script = await bundleApp(`${TEST_APPS_DIR}${opts.appDir}/App.jsx`, opts.bundle);
  const app = await serveApp({ title: `${opts.appDir} (${opts.name})`, script, config: { ...opts.config, token: opts.token, serverUrl: opts.serverUrl, name: opts.name } });
  const page = await browser.newPage('about:blank', opts.label);
  page.on('pageerror', (err) => opts.errors.push(`${opts.label}: ${err.message}`));
  await page.addInitScript(recordCapturedTracks);
  await page.goto(app.url);
  return { page, app };
}

export interface Tile {
  id: string;
  local: boolean;
  status: string;
}

export const tiles = (page: Page): Promise<Tile[]> =>
  page.$$eval('.tile', (els) =>
    els.map((el) => ({ id: el.getAttribute('data-participant')!, local: el.getAttribute('data-local') === 'yes', status: el.querySelector('.status')?.textContent ?? '' })),
  );

/** The first tile that is not the page's own participant. */
export const remoteTile = async (page: Page): Promise<Tile | undefined> => (await tiles(page)).find((t) => !t.local);

/** Frames the <video> of a tile has decoded so far (0 without a playing video); default: the first remote tile. */
export const tileFrames = (page: Page, participantId?: string): Promise<number> =>
  page.evaluate((id) => {
    const selector = id ? `.tile[data-participant="${id}"] video` : '.tile[data-local="no"] video';
    const video = document.querySelector<HTMLVideoElement>(selector);
    return video && video.videoWidth > 0 ? video.getVideoPlaybackQuality().totalVideoFrames : 0;
  }, participantId ?? null);

/** The loudest RMS (0..1) heard over ~1.5 s from the first remote tile's <audio> (0 when it plays nothing). */
export const remoteLevel = (page: Page): Promise<number> =>
  page.evaluate(async () => {
    const audio = document.querySelector<HTMLAudioElement>('.tile[data-local="no"] audio');
    const stream = audio?.srcObject as MediaStream | null;
    if (!audio || !stream || stream.getAudioTracks().every((t) => t.readyState !== 'live')) return 0;
    const ctx = new AudioContext();
    try {
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 2048;
      ctx.createMediaStreamSource(stream).connect(analyser);
      const buf = new Float32Array(analyser.fftSize);
      let max = 0;
      for (let i = 0; i < 30; i++) {
        await new Promise((r) => setTimeout(r, 50));
        analyser.getFloatTimeDomainData(buf);
        let sum = 0;
        for (const v of buf) sum += v * v;
        max = Math.max(max, Math.sqrt(sum / buf.length));
      }
      return max;
    } finally {
      await ctx.close();
    }
  });

/** Audio elements that would be heard (unmuted, playing a live track) and play this page's own capture. */
export const echoingElements = (page: Page): Promise<number> =>
  page.evaluate(() => {
    const own = new Set<string>((window as any).__capturedTrackIds);
    return [...document.querySelectorAll('audio')].filter((a) => {
      const stream = a.srcObject as MediaStream | null;
      return !a.muted && stream?.getAudioTracks().some((t) => t.readyState === 'live' && own.has(t.id));
    }).length;
  });

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
