// Bundles the browser SDK (packages/client) with esbuild, as VideoSDK apps load it: a classic script
// that sets `window.VideoSDK` (videosdk.js) and an ES module (videosdk.mjs), both minified, each with
// a separate source map. Build-time only: `npm run build` writes the files and their manifest into
// dist/sdk/ (run as a script: `node dist/http/sdkBuild.js <outDir>`); the compiled server reads them
// (sdkBundle.ts) and never loads esbuild. From the TypeScript sources (tests, tsx) it bundles at boot.
import { mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import { SDK_CLASSIC, SDK_MODULE, SDK_MANIFEST, sdkBundleFrom, type SdkBundle } from './sdkBundle.js';

const clientDir = fileURLToPath(new URL('../../../client/', import.meta.url));

async function buildOne(entry: string, outName: string, format: 'iife' | 'esm'): Promise<Array<[string, Buffer]>> {
  const options: BuildOptions = {
    entryPoints: [`${clientDir}src/bundle/${entry}`],
    // Virtual: nothing is written by esbuild; the map's `sources` are relative to it (../src/Meeting.ts).
    outfile: `${clientDir}sdk/${outName}`,
    bundle: true,
    format,
    platform: 'browser',
    target: 'es2020',
    write: false,
    minify: true,
    // A `//# sourceMappingURL=<outName>.map` comment, relative: it resolves beside the script at
    // both its plain and versioned URLs.
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'silent',
  };
  const result = await build(options);
  return result.outputFiles!.map((out) => [basename(out.path), Buffer.from(out.contents)]);
}

/** The SDK files, built in memory. */
export async function buildSdk(): Promise<SdkBundle> {
  const [classic, module] = await Promise.all([buildOne('classic.ts', SDK_CLASSIC, 'iife'), buildOne('module.ts', SDK_MODULE, 'esm')]);
  return sdkBundleFrom(new Map([...classic, ...module]));
}

/** Writes the SDK files and `manifest.json` (version, each file's bytes, ETag and SRI hash) to `outDir`. */
export async function writeSdk(outDir: string): Promise<SdkBundle> {
  const bundle = await buildSdk();
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const manifest: Record<string, { bytes: number; etag: string; integrity: string }> = {};
  for (const [name, file] of bundle.files) {
    writeFileSync(join(outDir, name), file.body);
    manifest[name] = { bytes: file.body.length, etag: file.etag, integrity: file.integrity };
  }
  writeFileSync(join(outDir, SDK_MANIFEST), `${JSON.stringify({ version: bundle.version, files: manifest }, null, 2)}\n`);
  return bundle;
}

const script = process.argv[1];
if (script && realpathSync(script) === realpathSync(fileURLToPath(import.meta.url))) {
  const outDir = process.argv[2];
  if (!outDir) {
    process.stderr.write('usage: node sdkBuild.js <outDir>\n');
    process.exit(2);
  }
  const bundle = await writeSdk(outDir);
  process.stdout.write(`sdk ${bundle.version}: ${[...bundle.files.keys()].join(', ')} → ${outDir}\n`);
}
