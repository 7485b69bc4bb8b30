#!/usr/bin/env node
// Runs a command inside a private network namespace that has only `lo`, so media tests and
// benchmarks can never send to this machine's real interfaces. Already inside one? Runs it directly.
import { spawnSync } from 'node:child_process';
import { networkInterfaces } from 'node:os';

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error('usage: node scripts/netns.mjs <command> [args...]');
  process.exit(2);
}
const onlyLoopback = Object.keys(networkInterfaces()).every((name) => name === 'lo');
const inner = onlyLoopback || process.env.RK_IN_NETNS === '1';
const result = inner
  ? spawnSync(cmd, args, { stdio: 'inherit' })
  : spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', cmd, ...args], {
      stdio: 'inherit',
      env: { ...process.env, RK_IN_NETNS: '1' },
    });
if (result.error) {
  console.error(`could not start ${inner ? cmd : 'unshare'}: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
