// Launches Debian's Chromium for integration tests: fake media devices, loopback WebRTC, a fresh
// profile dir, and a close() that always leaves no browser process or temp dir behind.
// Override the binary with CHROMIUM_PATH (ROOMKIT_* env vars are reserved for server config).
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--autoplay-policy=no-user-gesture-required',
];

export interface LaunchedBrowser {
  browser: Browser;
  /** Opens a page in its own context; `label` prefixes its console errors in the test output. */
  newPage(url: string, label?: string): Promise<Page>;
  /** PID of the browser process (to check it is gone after close). */
  pid: number | undefined;
  /** The fresh profile directory, removed by close(). */
  userDataDir: string;
  close(): Promise<void>;
}

export async function launchChromium(opts: { extraArgs?: string[]; executablePath?: string } = {}): Promise<LaunchedBrowser> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'roomkit-chromium-'));
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: opts.executablePath ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      // Exactly our args (playwright's defaults carry their own --disable-features, which would
      // override ours); the pipe and the window flag are what playwright itself needs.
      ignoreDefaultArgs: true,
      args: [
        ...CHROMIUM_ARGS,
        ...(opts.extraArgs ?? []),
        `--user-data-dir=${userDataDir}`,
        '--remote-debugging-pipe',
        '--no-startup-window',
      ],
      timeout: 30_000,
    });
  } catch (err) {
    await rm(userDataDir, { recursive: true, force: true });
    throw err;
  }
  // playwright-core does not expose the browser's child process for launch(); find it by profile dir.
  const pid = await findPid(userDataDir);
  const contexts: BrowserContext[] = [];
  let pageCount = 0;
  let closed: Promise<void> | undefined;

  return {
    browser,
    pid,
    userDataDir,
    async newPage(url, label = `page${++pageCount}`) {
      const context = await browser.newContext();
      contexts.push(context);
      const page = await context.newPage();
      page.on('console', (msg) => {
        if (msg.type() === 'error') console.error(`[${label}] console.error: ${msg.text()}`);
      });
      page.on('pageerror', (err) => console.error(`[${label}] page error: ${err.message}`));
      await page.goto(url);
      return page;
    },
    close() {
      closed ??= (async () => {
        const timedOut = await Promise.race([
          browser.close().then(() => false, () => false),
          new Promise<boolean>((r) => setTimeout(() => r(true), 5_000).unref()),
        ]);
        if (pid !== undefined && (timedOut || isAlive(pid))) {
          try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
          // Wait until it is reaped (playwright is its parent), so callers see it gone.
          for (let i = 0; i < 40 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
        }
        await rm(userDataDir, { recursive: true, force: true, maxRetries: 3 });
      })();
      return closed;
    },
  };
}

/** True while the process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function findPid(userDataDir: string): Promise<number | undefined> {
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    const args = cmdline.split('\0');
    // The browser process is the one without --type= (renderers, gpu, utility all have one).
    if (args.includes(`--user-data-dir=${userDataDir}`) && !args.some((a) => a.startsWith('--type='))) {
      return Number(entry);
    }
  }
  return undefined;
}
