import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Tests run on the workspaces' TypeScript sources: each package exports them under the
// "@storefront/source" condition, so no build is needed before `vitest run`.
export default defineConfig({
  ssr: {
    resolve: {
      conditions: ['@storefront/source', ...defaultServerConditions],
    },
  },
  test: {
    include: ['{shared,server,client,sandbox,bench}/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
