// Builds the browser SDK (packages/client) into one ES module, once, for /sdk/videosdk.js.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../../../client/src/index.ts', import.meta.url));

export async function bundleSdk(): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    write: false,
    minify: false,
    sourcemap: 'inline',
    legalComments: 'none',
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}
