import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Tests run on the workspaces' TypeScript sources: each package exports them under the
// "@storefront/source" condition, so no build is needed before `vitest run`.
export default defineConfig({
  ssr: {
    resolve: {
      // Without Vite's 'module' condition: packages resolve as Node resolves them (the 'module'
      // builds of some, such as @opentelemetry/api's, are not loadable by Node).
      conditions: [
        '@storefront/source',
        ...defaultServerConditions.filter((condition) => condition !== 'module'),
      ],
    },
  },
  test: {
    include: ['{shared,server,client,sandbox,bench}/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // expect.poll waits for a state: its default of 1 s raced the clock on a busy machine.
    expect: { poll: { timeout: 10_000 } },
  },
});
