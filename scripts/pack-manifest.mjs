#!/usr/bin/env node
// `npm pack`/`npm publish` hooks of the published packages (run in the package's directory).
// In the repository a package's `exports`/`main`/`types` point at its TypeScript source, so tests, tsx
// and the server use the workspace source with no build step. `prepack` builds dist/ and swaps in the
// fields under `publishConfig` (pnpm and yarn do this natively; npm does not), keeping the original
// as package.json.src; `postpack` puts it back. A pack that died halfway is repaired by the next run.
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

// bin: @roomkit/server's `roomkit` runs bin/roomkit.mjs (tsx) in the repository, dist/cli.js when installed.
const PUBLISH_FIELDS = ['exports', 'main', 'module', 'types', 'bin'];
const phase = process.argv[2];
const saved = 'package.json.src';

function restore() {
  if (existsSync(saved)) renameSync(saved, 'package.json');
}

if (phase === 'prepack') {
  restore();
  rmSync('dist', { recursive: true, force: true });
  execSync('npm run build', { stdio: 'inherit' });
  const text = readFileSync('package.json', 'utf8');
  const pkg = JSON.parse(text);
  const published = { ...pkg };
  for (const field of PUBLISH_FIELDS) {
    if (pkg.publishConfig?.[field] !== undefined) published[field] = pkg.publishConfig[field];
  }
  for (const field of PUBLISH_FIELDS) delete published.publishConfig[field];
  delete published.scripts;
  writeFileSync(saved, text);
  writeFileSync('package.json', JSON.stringify(published, null, 2) + '\n');
} else if (phase === 'postpack') {
  restore();
} else {
  console.error('usage: node scripts/pack-manifest.mjs prepack|postpack');
  process.exit(2);
}
