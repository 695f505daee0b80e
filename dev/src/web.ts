import { spawn } from 'node:child_process';

/**
 * What `npm run dev:web` runs: the BFF as `npm start` runs it (on the embedded sandbox when no
 * upstream is configured), with CORS open to the storefront's dev server, and the storefront
 * (examples/web) on Vite's dev server, its `/idp` proxied to the identity provider.
 */
const APP_ORIGIN = 'http://127.0.0.1:5173';
process.env.CORS_ORIGINS ??= APP_ORIGIN;
await import('./start.js');

// The identity provider's base URL: the JWKS URL's, unless IDP_URL says otherwise.
const idp =
  process.env.IDP_URL ??
  (process.env.AUTH_JWKS_URL ?? '').replace(/\/\.well-known\/jwks\.json$/, '');
const bff = `http://127.0.0.1:${process.env.PORT ?? '3000'}/trpc`;
const app = spawn('npm', ['run', 'dev', '--workspace', '@storefront/example-web'], {
  env: { ...process.env, IDP_URL: idp, VITE_BFF_URL: bff },
  stdio: 'inherit',
});
process.stderr.write(`\n  The storefront: ${APP_ORIGIN}/ (the BFF at ${bff})\n\n`);
process.once('exit', () => {
  app.kill('SIGTERM');
});
