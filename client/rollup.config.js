// @ts-check
// Bundles the client's declarations into dist/index.d.ts (and dist/react.d.ts) that stand on their own: the types it
// takes from @storefront/server (AppRouter) and @storefront/shared are inlined, so a consumer needs
// neither package. The JS is emitted by tsc (tsconfig.build.json); this config only writes the .d.ts.
import { dts } from 'rollup-plugin-dts';

/** Types that stay imports: packages a consumer installs with the client (its `dependencies`). */
const external = [/^@trpc\//, /^@tanstack\//, /^react(\/|$)/, /^superjson(\/|$)/, /^zod(\/|$)/];

/** @type {import('rollup').RollupOptions} */
const config = {
  // The React entry re-exports the plain one: their shared types go into one chunk.
  input: { index: 'src/index.ts', react: 'src/react.ts' },
  output: {
    dir: 'dist',
    format: 'es',
    entryFileNames: '[name].d.ts',
    chunkFileNames: '[name]-[hash].d.ts',
  },
  external,
  // node:http is only reachable through server modules that tree-shaking drops (createApp);
  // the output must not mention it, which test/client-consumer-types.test.ts checks.
  onwarn(warning, warn) {
    if (warning.code === 'UNRESOLVED_IMPORT' && warning.exporter?.startsWith('node:')) return;
    warn(warning);
  },
  plugins: [
    dts({
      respectExternal: true,
      // The server's declarations (server/dist, built first) were emitted with `stripInternal`:
      // the members of its Context marked `@internal` (upstream clients, settings) are not in them.
      tsconfig: 'tsconfig.build.json',
    }),
  ],
};

export default config;
