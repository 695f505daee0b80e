// @ts-check
// Bundles the client's declarations into one dist/index.d.ts that stands on its own: the types it
// takes from @storefront/server (AppRouter) and @storefront/shared are inlined, so a consumer needs
// neither package. The JS is emitted by tsc (tsconfig.build.json); this config only writes the .d.ts.
import { dts } from 'rollup-plugin-dts';

/** Types that stay imports: packages a consumer installs with the client (its `dependencies`). */
const external = [/^@trpc\//, /^superjson(\/|$)/, /^zod(\/|$)/];

/** @type {import('rollup').RollupOptions} */
const config = {
  input: 'src/index.ts',
  output: { file: 'dist/index.d.ts', format: 'es' },
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
