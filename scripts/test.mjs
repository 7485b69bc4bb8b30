#!/usr/bin/env node
// `npm test`: type-check, layer check, then every test inside a loopback-only network namespace.
import { spawnSync } from 'node:child_process';

function run(label, cmd, args) {
  console.log(`\n== ${label}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`${label} failed`);
    process.exit(r.status ?? 1);
  }
}
run('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
run('layers', 'node', ['scripts/check-layers.mjs']);
run('tests (loopback-only namespace)', 'node', ['scripts/netns.mjs', 'npx', 'vitest', 'run', ...process.argv.slice(2)]);
