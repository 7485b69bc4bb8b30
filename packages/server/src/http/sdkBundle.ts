// Builds the browser SDK (packages/client) once at boot, as VideoSDK apps load it: a classic script
// that sets `window.VideoSDK` (videosdk.js) and an ES module (videosdk.mjs), both minified, each
// with a separate source map; plus the content hash that names their immutable versioned URLs.
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

const clientDir = fileURLToPath(new URL('../../../client/', import.meta.url));

export const SDK_CLASSIC = 'videosdk.js';
export const SDK_MODULE = 'videosdk.mjs';

export interface SdkFile {
  body: Buffer;
  contentType: string;
  /** Strong validator of this body (quoted, as sent). */
  etag: string;
  /** Subresource Integrity value for `<script integrity>` (scripts only). */
  integrity: string;
}

export interface SdkBundle {
  /** Content hash of all the files: the `<version>` of `/sdk/<version>/<file>`. */
  version: string;
  /** By file name: videosdk.js, videosdk.js.map, videosdk.mjs, videosdk.mjs.map. */
  files: ReadonlyMap<string, SdkFile>;
}

const JS = 'text/javascript; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

function file(body: Buffer, contentType: string): SdkFile {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  return { body, contentType, etag, integrity: `sha384-${createHash('sha384').update(body).digest('base64')}` };
}

async function buildOne(entry: string, outName: string, format: 'iife' | 'esm'): Promise<Array<[string, SdkFile]>> {
  const options: BuildOptions = {
    entryPoints: [`${clientDir}src/bundle/${entry}`],
    // Virtual: nothing is written; the map's `sources` are relative to it (../src/Meeting.ts).
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
  return result.outputFiles!.map((out) => {
    const name = basename(out.path);
    return [name, file(Buffer.from(out.contents), name.endsWith('.map') ? JSON_TYPE : JS)];
  });
}

export async function bundleSdk(): Promise<SdkBundle> {
  const files = new Map([...(await buildOne('classic.ts', SDK_CLASSIC, 'iife')), ...(await buildOne('module.ts', SDK_MODULE, 'esm'))]);
  const hash = createHash('sha256');
  for (const name of [...files.keys()].sort()) hash.update(name).update('\0').update(files.get(name)!.body);
  return { version: hash.digest('hex').slice(0, 16), files };
}
