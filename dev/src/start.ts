import { existsSync } from 'node:fs';
import { startSandbox } from '@storefront/sandbox';
import { UPSTREAM_URL_VARIABLES } from '@storefront/server';

/**
 * What `npm start` runs: the BFF's own process (server/src/main.ts), in this process, so that a
 * signal sent to `npm start` reaches it. With no upstream URL set and NODE_ENV not `production`,
 * the simulated upstreams start first, in-process, and their URLs and keys go into the
 * environment the BFF reads: the BFF itself knows only upstream URLs. Under production, or with
 * any upstream configured, nothing is started here and the BFF checks the configuration as always.
 * The sandbox's ERP serves both its versions (SOAP and JSON, one store), so that ERP_V2_PERCENT
 * and ERP_SHADOW_PERCENT can be tried without a real ERP.
 */
// A .env file at the repository root (where npm start runs) counts as configuration; the environment wins over it.
if (existsSync('.env')) process.loadEnvFile('.env');
const configured = [...UPSTREAM_URL_VARIABLES, 'ERP_V2_URL'].some(
  (name) => (process.env[name] ?? '') !== '',
);
if (!configured && process.env.NODE_ENV !== 'production') {
  const sandbox = await startSandbox();
  for (const [name, value] of Object.entries(sandbox.env({ erp: 'both' })))
    process.env[name] = value;
  const banner = '*'.repeat(78);
  // Loud on purpose, in plain text: nobody should mistake this for real data.
  process.stderr.write(
    `${banner}\n  NO UPSTREAMS CONFIGURED: serving FAKE DATA from the embedded sandbox.\n` +
      `  Demo users: ${sandbox.users.map((u) => u.username).join(', ')} (password "sandbox"). For the\n` +
      `  README's signed-in examples, paste this line into the shell you run them in:\n` +
      `export TOKEN_URL=${sandbox.idp.tokenUrl}\n` +
      `  The ERP answers in both versions (SOAP and JSON): ERP_V2_PERCENT and\n` +
      `  ERP_SHADOW_PERCENT move callers and compare answers (docs/migrating-a-backend.md).\n` +
      `  Set the upstream variables of .env.example for real data.\n${banner}\n`,
  );
}
await import('@storefront/server/main');
