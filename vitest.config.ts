import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    // The impaired-network tests (tbf caps, random loss) judge timing-sensitive media behaviour that
    // a loaded 2-core machine cannot reproduce reliably yet; they run with `npm run test:network`.
    exclude: process.env.RK_NETWORK_TESTS ? ['**/node_modules/**'] : ['**/node_modules/**', 'packages/server/test/network.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Browser tests are heavy on this 2-core machine: one file at a time.
    fileParallelism: false,
    pool: 'forks',
  },
});
