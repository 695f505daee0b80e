import react from '@vitejs/plugin-react';
import { defineConfig, type ProxyOptions } from 'vite';

/**
 * The identity provider answers no CORS, so the app asks for tokens at its own origin: `/idp/…`
 * is proxied to IDP_URL (the sandbox prints it; `npm run dev:web` sets it).
 */
const idp: Record<string, ProxyOptions> = {
  '/idp': {
    target: process.env.IDP_URL ?? 'http://127.0.0.1:4000',
    changeOrigin: true,
    rewrite: (path) => path.replace(/^\/idp/, ''),
  },
};

export default defineConfig({
  plugins: [react()],
  // React and the other libraries in chunks of their own, apart from the app: one bundle was over
  // Vite's 500 kB warning (538 kB) whenever NODE_ENV was not `production` (vitest's `test` in
  // `npm run e2e`, a shell's `development`), which builds React's development version; and a change
  // to the app no longer makes browsers fetch the libraries again. Vite 8 bundles with Rolldown:
  // this is its option (Rollup's manualChunks is deprecated there).
  build: {
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            {
              name: 'react',
              test: /[\\/]node_modules[\\/](react|react-dom|scheduler)[\\/]/,
              priority: 2,
            },
            { name: 'vendor', test: /[\\/]node_modules[\\/]/, priority: 1 },
          ],
        },
      },
    },
  },
  server: { host: '127.0.0.1', port: 5173, strictPort: true, proxy: idp },
  preview: { host: '127.0.0.1', proxy: idp },
});
