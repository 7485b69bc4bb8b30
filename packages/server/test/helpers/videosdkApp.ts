// Builds a browser app the way a VideoSDK customer's bundler would — VideoSDK's real
// `@videosdk.live/react-sdk` from npm, React, the app's own JSX — with `@videosdk.live/js-sdk`
// aliased to Roomkit's SDK source, and serves it from an origin of its own (another loopback port),
// so everything the page asks of the Roomkit server is a cross-origin request, as in production.
import { build, type Plugin } from 'esbuild';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOMKIT_SDK_ENTRY = fileURLToPath(new URL('../../../client/src/index.ts', import.meta.url));
const ROOMKIT_REACT_ENTRY = fileURLToPath(new URL('../../../react/src/index.ts', import.meta.url));
/** Where the test apps live (plain JSX, as VideoSDK's quickstarts are written). */
export const TEST_APPS_DIR = fileURLToPath(new URL('../fixtures/apps/', import.meta.url));

/** The one change a VideoSDK app makes to move over: its SDK import resolves to Roomkit's. */
const videosdkToRoomkit: Plugin = {
  name: 'videosdk-js-sdk-to-roomkit',
  setup(b) {
    b.onResolve({ filter: /^@videosdk\.live\/js-sdk$/ }, () => ({ path: ROOMKIT_SDK_ENTRY }));
  },
};

/** Which React SDK the app's `@videosdk.live/react-sdk` import gets, and which React. */
export interface BundleOptions {
  /** 'videosdk' (default): VideoSDK's own react-sdk from npm; 'roomkit': packages/react, the one-import move. */
  reactSdk?: 'videosdk' | 'roomkit';
  /** 19 (default): the root's react/react-dom; 18: the react18/react-dom18 aliases (devDependencies). */
  react?: 18 | 19;
}

/** A VideoSDK React app moved to Roomkit's React SDK: its react-sdk import resolves to @roomkit/react. */
const reactSdkToRoomkit: Plugin = {
  name: 'videosdk-react-sdk-to-roomkit',
  setup(b) {
    b.onResolve({ filter: /^@videosdk\.live\/react-sdk$/ }, () => ({ path: ROOMKIT_REACT_ENTRY }));
  },
};

/** Bundles `entry` (a .jsx/.tsx/.js file) into one classic script for the browser. */
export async function bundleApp(entry: string, options: BundleOptions = {}): Promise<string> {
  // esbuild's alias also covers subpaths (react/jsx-runtime, react-dom/client) and imports made
  // inside node_modules, so the app, the SDK and react-dom all share the one React 18.
  const alias: Record<string, string> = options.react === 18 ? { react: 'react18', 'react-dom': 'react-dom18' } : {};
  const plugins = options.reactSdk === 'roomkit' ? [reactSdkToRoomkit, videosdkToRoomkit] : [videosdkToRoomkit];
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    jsx: 'automatic',
    // React's development build: a broken hook order or a render error names the component.
    define: { 'process.env.NODE_ENV': '"development"' },
    write: false,
    sourcemap: 'inline',
    legalComments: 'none',
    logLevel: 'silent',
    alias,
    plugins,
  });
  return result.outputFiles[0]!.text;
}

export interface ServedApp {
  /** The app's origin, e.g. http://127.0.0.1:41234 (a different port from the Roomkit server). */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `index.html` (with `config` as `window.APP_CONFIG`, the way an app's build injects its
 * environment) and `app.js` from a fresh loopback port.
 */
export async function serveApp(opts: { title: string; script: string; config: Record<string, unknown>; css?: string }): Promise<ServedApp> {
  const html = `<!doctype html>
<html><head><meta charset="utf-8"><title>${opts.title}</title><style>${opts.css ?? ''}</style></head>
<body><div id="root"></div>
<script>window.APP_CONFIG = ${JSON.stringify(opts.config).replace(/</g, '\\u003c')};</script>
<script src="/app.js"></script></body></html>`;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    } else if (path === '/favicon.ico') {
      res.writeHead(204).end();
    } else if (path === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(opts.script);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
