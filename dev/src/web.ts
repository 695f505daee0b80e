import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What `npm run dev:web` runs: the BFF as `npm start` runs it (on the embedded sandbox when no
 * upstream is configured), with CORS open to the storefront's dev server, and the storefront
 * (examples/web) on Vite's dev server, its `/idp` proxied to the identity provider.
 *
 * The BFF and the sandbox run in this process; Vite runs in a child process of its own, started
 * here directly (no npm or shell in between), so that this process knows it and stops it:
 * - on SIGTERM or SIGINT, Vite gets SIGTERM while the BFF drains and exits as `npm start` does;
 * - when Vite exits on its own (it crashed, its port was taken, `q` was pressed), the BFF is
 *   stopped the same way, and this process exits 1 unless Vite exited 0;
 * - when this process exits for any other reason (the BFF could not start), Vite gets SIGTERM.
 *
 * PORT (the BFF's, 3000 by default) and WEB_PORT (the storefront's, 5173 by default) may be 0:
 * a free port is taken for each, since each side must know the other's URL before it starts.
 */
async function portOf(name: string, fallback: string): Promise<number> {
  const value = process.env[name] ?? fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`${name}: must be a port number (0 to 65535), not ${JSON.stringify(value)}`);
    process.exit(2);
  }
  if (port !== 0) return port;
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const free = (probe.address() as AddressInfo).port;
  probe.close();
  await once(probe, 'close');
  return free;
}

const webPort = await portOf('WEB_PORT', '5173');
// Only a PORT of 0 from the environment is settled here: one from .env is read by the BFF.
if (process.env.PORT === '0') process.env.PORT = String(await portOf('PORT', '0'));
const appOrigin = `http://127.0.0.1:${String(webPort)}`;
process.env.CORS_ORIGINS ??= appOrigin;
await import('./start.js');

// The identity provider's base URL: the JWKS URL's, unless IDP_URL says otherwise.
const idp =
  process.env.IDP_URL ??
  (process.env.AUTH_JWKS_URL ?? '').replace(/\/\.well-known\/jwks\.json$/, '');
const bff = `http://127.0.0.1:${process.env.PORT ?? '3000'}/trpc`;
const web = fileURLToPath(new URL('../../examples/web/', import.meta.url));
const vite = join(
  dirname(createRequire(join(web, 'package.json')).resolve('vite/package.json')),
  'bin',
  'vite.js',
);
const app = spawn(process.execPath, [vite, '--port', String(webPort), '--strictPort'], {
  cwd: web,
  env: { ...process.env, IDP_URL: idp, VITE_BFF_URL: bff },
  stdio: 'inherit',
});
process.stderr.write(`\n  The storefront: ${appOrigin}/ (the BFF at ${bff})\n\n`);

let stopping = false;
let failed = false;
const stopApp = (): void => {
  stopping = true;
  if (app.exitCode === null && app.signalCode === null) app.kill('SIGTERM');
};
// Registered after the BFF's own handlers (server/src/main.ts), which drain it and exit.
process.on('SIGTERM', stopApp);
process.on('SIGINT', stopApp);
app.once('exit', (code, signal) => {
  if (stopping) return;
  stopping = true;
  failed = code !== 0;
  process.stderr.write(
    `\n  The storefront's dev server exited (${signal ?? `code ${String(code)}`}): stopping the BFF\n\n`,
  );
  // The BFF stops as on any SIGTERM: draining, then exiting.
  process.kill(process.pid, 'SIGTERM');
});
process.once('exit', () => {
  stopApp();
  // The BFF exits 0 once drained; a storefront that failed makes the whole command fail.
  if (failed) process.exitCode = 1;
});
