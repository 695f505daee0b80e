import { defineConfig } from 'vitest/config';

/** `npm run e2e`: the storefront in Chromium, on its own (it builds the app and starts a BFF). */
export default defineConfig({
  test: {
    include: ['examples/web/e2e/**/*.e2e.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
