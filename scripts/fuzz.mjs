#!/usr/bin/env node
// `npm run fuzz`: the media parsers' property-based fuzz targets run for longer than in `npm test`
// (FUZZ_SECONDS per target, default 30; or FUZZ_RUNS cases; FUZZ_TARGET=<substring> for one),
// inside a loopback-only network namespace like every media test.
import { spawnSync } from 'node:child_process';

const r = spawnSync('node', ['scripts/netns.mjs', 'node', '--import', 'tsx', 'packages/server/src/media/fuzz/runFuzz.ts'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
