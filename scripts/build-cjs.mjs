#!/usr/bin/env node
// CommonJS build of the package in the working directory (today only @roomkit/server-sdk, for Node
// backends that still `require`): one esbuild bundle of src/index.ts into dist/cjs/, dependencies left
// external, plus a copy of the ESM build's .d.ts files so `require` consumers get CJS-flavoured types.
import { build } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

await build({
  entryPoints: ['src/index.ts'],
  outfile: 'dist/cjs/index.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
writeFileSync('dist/cjs/package.json', '{ "type": "commonjs" }\n');
function copyTypes(from, to) {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.isDirectory() && entry.name !== 'cjs') copyTypes(join(from, entry.name), join(to, entry.name));
    else if (entry.name.endsWith('.d.ts')) cpSync(join(from, entry.name), join(to, entry.name));
  }
}
copyTypes('dist', 'dist/cjs');
