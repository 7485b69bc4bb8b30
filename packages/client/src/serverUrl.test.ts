// serverBaseUrl(): the app's signalingBaseUrl, else the server the SDK file came from, else the
// page's origin; and which SDK URLs count as "a Roomkit server's".
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

type ServerUrl = typeof import('./serverUrl.js');
let mod: ServerUrl;

beforeEach(async () => {
  vi.resetModules(); // the loaded-from URL is module state, set once per bundle
  mod = await import('./serverUrl.js');
});
afterEach(() => vi.unstubAllGlobals());

describe('serverBaseUrl', () => {
  it('with nothing recorded, falls back to the page origin (the npm build), or undefined outside a page', () => {
    expect(mod.serverBaseUrl(undefined)).toBeUndefined();
    vi.stubGlobal('location', { origin: 'https://app.example.com' });
    expect(mod.serverBaseUrl(undefined)).toBe('https://app.example.com');
  });

  it('after loading from a server, uses that server; an explicit signalingBaseUrl still wins', () => {
    vi.stubGlobal('location', { origin: 'https://app.example.com' });
    mod.setSdkScriptUrl('https://rtc.example.com:8443/sdk/videosdk.js');
    expect(mod.serverBaseUrl(undefined)).toBe('https://rtc.example.com:8443/');
    expect(mod.serverBaseUrl('https://other.example.com')).toBe('https://other.example.com');
  });

  it.each([
    ['http://127.0.0.1:7880/sdk/videosdk.mjs', 'http://127.0.0.1:7880/'],
    ['https://rtc.example.com/sdk/0123456789abcdef/videosdk.js', 'https://rtc.example.com/'],
    ['https://example.com/roomkit/sdk/videosdk.mjs?v=2#x', 'https://example.com/roomkit/'],
  ])('%s → %s (versioned paths, proxy prefixes, query strings)', (scriptUrl, base) => {
    mod.setSdkScriptUrl(scriptUrl);
    expect(mod.serverBaseUrl(undefined)).toBe(base);
  });

  it.each([
    ['a copy hosted elsewhere', 'https://cdn.example.com/libs/videosdk.js'],
    ['an app bundle', 'https://app.example.com/assets/index-3f9c.js'],
    ['not http', 'file:///home/me/sdk/videosdk.js'],
    ['not a URL', 'videosdk.js'],
    ['no script (module evaluated by a bundler, currentScript null)', null],
  ])('ignores %s', (_what, scriptUrl) => {
    vi.stubGlobal('location', { origin: 'https://app.example.com' });
    mod.setSdkScriptUrl(scriptUrl);
    expect(mod.serverBaseUrl(undefined)).toBe('https://app.example.com');
  });
});
