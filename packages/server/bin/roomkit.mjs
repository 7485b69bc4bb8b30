#!/usr/bin/env node
// `roomkit` executable: lets Node load the TypeScript sources through tsx, then runs the CLI.
import { register } from 'tsx/esm/api';

register();
const { runMain } = await import('../src/cli.ts');
await runMain();
