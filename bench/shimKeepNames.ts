// tsx (esbuild keepNames) wraps named functions in `__name(...)` calls, and page.evaluate ships the
// function source to the page, where `__name` does not exist: give every new context a no-op.
import type { BrowserContext } from 'playwright-core';
import type { LaunchedBrowser } from '../packages/server/test/helpers/chromium.js';

export function shimKeepNames(launched: LaunchedBrowser): void {
  const browser = launched.browser;
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...args: Parameters<typeof newContext>): Promise<BrowserContext> => {
    const context = await newContext(...args);
    await context.addInitScript('globalThis.__name = (fn) => fn;');
    return context;
  };
}
