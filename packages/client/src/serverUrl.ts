// Which Roomkit server a meeting talks to when the app names none: the server the SDK file was
// loaded from (its /sdk/ script or module URL), else the page's origin (an app bundling the SDK
// from npm, served by the Roomkit server or a proxy in front of it).

/** The server's base URL, set once by the server-built bundles (src/bundle/*) from their own URL. */
let loadedFrom: string | undefined;

/** `/sdk/videosdk.js`, `/sdk/videosdk.mjs` and their versioned forms `/sdk/<hash>/videosdk.{js,mjs}`. */
const SDK_PATH = /\/sdk\/(?:[^/]+\/)?videosdk\.m?js$/;

/**
 * Records the URL the SDK file was loaded from. Only a URL of the server's SDK route counts: its
 * path before `/sdk/` is the server's base (so a server behind a proxy prefix works); a copy of
 * the file hosted elsewhere says nothing about where the server is.
 */
export function setSdkScriptUrl(scriptUrl: string | undefined | null): void {
  if (!scriptUrl) return;
  let url: URL;
  try {
    url = new URL(scriptUrl);
  } catch {
    return;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !SDK_PATH.test(url.pathname)) return;
  url.pathname = url.pathname.replace(SDK_PATH, '/');
  url.search = '';
  url.hash = '';
  loadedFrom = url.href;
}

/** The server's base URL: the app's `signalingBaseUrl`, else where the SDK came from, else the page's origin. */
export function serverBaseUrl(explicit: string | undefined): string | undefined {
  return explicit ?? loadedFrom ?? globalThis.location?.origin;
}
