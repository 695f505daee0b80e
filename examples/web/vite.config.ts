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
  server: { host: '127.0.0.1', port: 5173, strictPort: true, proxy: idp },
  preview: { host: '127.0.0.1', proxy: idp },
});
