#!/usr/bin/env node
// `npm start`: builds the server once if needed (scripts/build.mjs), then runs the built CLI in this
// very process, so the signals npm forwards (SIGTERM, SIGINT) reach the server itself and no
// TypeScript loader, tsc or esbuild stays in memory. Must run with `--conditions=roomkit-dist`
// (package.json's start script does), which makes the workspace packages resolve to their built dist/.
import { ensureBuilt } from './build.mjs';

if (!process.execArgv.some((arg) => arg.includes('roomkit-dist'))) {
  process.stderr.write('roomkit: run the built server with `node --conditions=roomkit-dist scripts/start.mjs …` (npm start does)\n');
  process.exit(2);
}
try {
  if (ensureBuilt({ log: (line) => process.stderr.write(`roomkit: ${line}\n`) })) process.stderr.write('roomkit: build done\n');
} catch (err) {
  process.stderr.write(`roomkit: build failed: ${String(err.message).split('\n')[0]}\n`);
  process.exit(1);
}
const { runMain } = await import('../packages/server/dist/cli.js');
await runMain();
