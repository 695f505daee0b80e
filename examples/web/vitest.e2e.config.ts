import { defineConfig } from 'vitest/config';

/** `npm run e2e`: the storefront in Chromium, on its own (it builds the app and starts a BFF). */
export default defineConfig({
  test: {
    include: ['examples/web/e2e/**/*.e2e.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // expect.poll waits for a state (a page rendered, a price switched): its default of 1 s raced
    // the clock of a busy machine, on the first page load most of all.
    expect: { poll: { timeout: 15_000 } },
    fileParallelism: false,
  },
});
