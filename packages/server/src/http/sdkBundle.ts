// The browser SDK files the server serves at /sdk (sdkRoutes.ts), with the content hash that names
// their immutable versioned URLs. The compiled server reads the files `npm run build` wrote into
// dist/sdk/ (sdkBuild.ts) and checks them against their manifest; running from the TypeScript sources
// (tests, tsx in development) it bundles them at boot with esbuild, a devDependency.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SDK_CLASSIC = 'videosdk.js';
export const SDK_MODULE = 'videosdk.mjs';
/** Written beside the built files: `{ version, files: { name: { bytes, etag, integrity } } }`. */
export const SDK_MANIFEST = 'manifest.json';

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

function file(name: string, body: Buffer): SdkFile {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const contentType = name.endsWith('.map') ? JSON_TYPE : JS;
  return { body, contentType, etag, integrity: `sha384-${createHash('sha384').update(body).digest('base64')}` };
}

/** Hashes the SDK files (name → body) into a bundle. */
export function sdkBundleFrom(bodies: ReadonlyMap<string, Buffer>): SdkBundle {
  const files = new Map([...bodies].map(([name, body]) => [name, file(name, body)]));
  const hash = createHash('sha256');
  for (const name of [...files.keys()].sort()) hash.update(name).update('\0').update(files.get(name)!.body);
  return { version: hash.digest('hex').slice(0, 16), files };
}

/** Reads a built SDK (dist/sdk/); throws, saying what to run, when it is missing or does not match its manifest. */
export function readBuiltSdk(dir: string): SdkBundle {
  let manifest: { version: string; files: Record<string, unknown> };
  try {
    manifest = JSON.parse(readFileSync(`${dir}/${SDK_MANIFEST}`, 'utf8'));
  } catch (err) {
    throw new Error(`the browser SDK build is missing (${dir}/${SDK_MANIFEST}: ${(err as Error).message}); run "npm run build"`);
  }
  const bundle = sdkBundleFrom(new Map(Object.keys(manifest.files).map((name) => [name, readFileSync(`${dir}/${name}`)])));
  if (bundle.version !== manifest.version) {
    throw new Error(`the browser SDK files in ${dir} do not match their manifest (version ${bundle.version}, manifest says ${manifest.version}); run "npm run build"`);
  }
  return bundle;
}

/** The SDK to serve: the built files when this module is compiled JavaScript, else bundled now from source. */
export async function loadSdk(): Promise<SdkBundle> {
  if (import.meta.url.endsWith('.js')) return readBuiltSdk(fileURLToPath(new URL('../sdk', import.meta.url)));
  const { buildSdk } = await import('./sdkBuild.js');
  return buildSdk();
}
