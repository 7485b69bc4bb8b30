import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    // The impaired-network quality tests (tbf caps, random loss in namespace hosts; ~60 s) run with
    // `npm run test:network` (RK_NETWORK_TESTS=1): on this machine under heavy load (load average
    // 12-23 on 2 cores) they still miss a freeze or frame-rate limit now and then (issue 5).
    exclude: process.env.RK_NETWORK_TESTS === '1' ? ['**/node_modules/**'] : ['**/node_modules/**', 'packages/server/test/network.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Browser tests are heavy on this 2-core machine: one file at a time.
    fileParallelism: false,
    pool: 'forks',
  },
});
