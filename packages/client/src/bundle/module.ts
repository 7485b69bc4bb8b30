// Entry of the ES module build (/sdk/videosdk.mjs): the package's exports, with meetings talking to
// the server this module was loaded from. (Not the npm entry: there import.meta.url would be the
// app's own bundle.)
import { setSdkScriptUrl } from '../serverUrl.js';

setSdkScriptUrl(import.meta.url);

export * from '../index.js';
