#!/usr/bin/env node
// `roomkit` executable inside the repository (the published package's bin is dist/cli.js instead):
// lets Node load the TypeScript sources through tsx, then runs the CLI. tsx is a devDependency; after
// `npm ci --omit=dev` this says how to run the built CLI rather than failing with a stack.
let register;
try {
  ({ register } = await import('tsx/esm/api'));
} catch {
  process.stderr.write('roomkit: tsx is not installed (a devDependency); run the built CLI: node --conditions=roomkit-dist scripts/start.mjs <command> (npm start runs "start")\n');
  process.exit(1);
}
register();
const { runMain } = await import('../src/cli.ts');
await runMain();
