// The build-time SDK bundle (sdkBuild.ts writes dist/sdk/) read back by the compiled server
// (readBuiltSdk): same files, same version and hashes as bundling in memory; a missing or altered
// build is refused with a message saying what to run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSdk } from './sdkBuild.js';
import { readBuiltSdk, SDK_CLASSIC, SDK_MANIFEST, SDK_MODULE, type SdkBundle } from './sdkBundle.js';

let dir: string;
let written: SdkBundle;

beforeAll(async () => {
  dir = join(mkdtempSync(join(tmpdir(), 'roomkit-sdk-')), 'sdk');
  written = await writeSdk(dir);
});

afterAll(() => {
  if (dir) rmSync(join(dir, '..'), { recursive: true, force: true });
});

describe('SDK bundle built at build time', () => {
  it('writes both scripts, their maps and a manifest with the version, sizes, ETags and SRI hashes', () => {
    const manifest = JSON.parse(readFileSync(join(dir, SDK_MANIFEST), 'utf8'));
    expect(manifest.version).toBe(written.version);
    expect(Object.keys(manifest.files).sort()).toEqual([SDK_CLASSIC, `${SDK_CLASSIC}.map`, SDK_MODULE, `${SDK_MODULE}.map`]);
    const classic = readFileSync(join(dir, SDK_CLASSIC));
    expect(manifest.files[SDK_CLASSIC]).toEqual({ bytes: classic.length, etag: written.files.get(SDK_CLASSIC)!.etag, integrity: expect.stringMatching(/^sha384-/) });
    expect(classic.toString()).toContain(`//# sourceMappingURL=${SDK_CLASSIC}.map`);
  });

  it('reads back as the same bundle the server would have built in memory', () => {
    const read = readBuiltSdk(dir);
    expect(read.version).toBe(written.version);
    for (const [name, file] of written.files) {
      expect(read.files.get(name)).toMatchObject({ etag: file.etag, integrity: file.integrity, contentType: file.contentType });
    }
  });

  it('refuses a missing build or a file that no longer matches its manifest, naming the fix', () => {
    expect(() => readBuiltSdk(join(dir, 'nowhere'))).toThrow(/browser SDK build is missing .*run "npm run build"/);
    appendFileSync(join(dir, SDK_MODULE), '\n// edited by hand\n');
    expect(() => readBuiltSdk(dir)).toThrow(/do not match their manifest .*run "npm run build"/);
  });
});
