// Entry of the classic-script build (/sdk/videosdk.js): sets `window.VideoSDK` as VideoSDK's CDN
// build does, with every other named export reachable as a property of it, and makes meetings talk
// to the server this script was loaded from.
import * as sdk from '../index.js';
import { setSdkScriptUrl } from '../serverUrl.js';

// Only while the script first runs: later it is null (or another script).
setSdkScriptUrl((globalThis.document?.currentScript as HTMLScriptElement | null)?.src);

const global = sdk.VideoSDK as unknown as Record<string, unknown>;
for (const [name, value] of Object.entries(sdk)) {
  // `VideoSDK.Constants` and any static of the same name win over a named export.
  if (!(name in global)) Object.defineProperty(global, name, { value, enumerable: false, configurable: true, writable: false });
}
(globalThis as Record<string, unknown>).VideoSDK = sdk.VideoSDK;
