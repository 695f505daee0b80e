#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { FIXTURE_SKUS } from './data/fixtures.js';
import { startControlServer } from './control-server.js';
import { startSandbox } from './start-sandbox.js';

const { values } = parseArgs({
  options: {
    products: { type: 'string', default: '5000' },
    seed: { type: 'string', default: '42' },
    latency: { type: 'string', default: 'realistic' },
    flaky: { type: 'boolean', default: false },
    'control-port': { type: 'string', default: '0' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(
    `npm run sandbox -- [--products N] [--seed N] [--latency realistic|none] [--flaky] [--control-port P]`,
  );
  process.exit(0);
}
const products = Number(values.products);
const seed = Number(values.seed);
if (
  !Number.isInteger(products) ||
  products < 1 ||
  !Number.isInteger(seed) ||
  (values.latency !== 'realistic' && values.latency !== 'none')
) {
  console.error('--products and --seed take integers, --latency takes realistic or none');
  process.exit(2);
}

const sandbox = await startSandbox({
  products,
  seed,
  latency: values.latency,
  ...(values.flaky ? { failureRates: { recommendations: 0.05 } } : {}),
});
const control = await startControlServer(sandbox, Number(values['control-port']));

console.log(
  `Storefront sandbox: FAKE upstreams with ${String(sandbox.store.catalog.bySku.size)} products (seed ${String(seed)}).\n`,
);
// Lines a shell takes as they are: the BFF's environment, and the identity provider for curl.
console.log(
  'Environment for the BFF (paste these lines into a shell, or into .env without `export`):',
);
// Both of the ERP's versions (SOAP and JSON, one store): a BFF may use either or both.
for (const [name, value] of Object.entries(sandbox.env({ erp: 'both' })))
  console.log(`export ${name}=${value}`);
console.log(`export IDP_URL=${sandbox.idp.tokenUrl.replace(/\/token$/, '')}`);
console.log(`\nControl API (faults, call counts, key rotation): ${control.url}`);
console.log(`\nDemo users (POST ${sandbox.idp.tokenUrl} {"username","password"}):`);
for (const user of sandbox.users)
  console.log(`  ${user.username} / ${user.password}  →  ${user.userId}`);
console.log('\nFixture SKUs:');
for (const [quirk, sku] of Object.entries(FIXTURE_SKUS))
  console.log(`  ${sku.padEnd(34)} ${quirk}`);

// On SIGTERM or SIGINT every server closes, its connections with it (a held call too), and the
// process exits 0. A Ctrl-C under `npm run sandbox` may arrive twice (from the terminal, and from
// npm passing it on): a signal while stopping changes nothing.
let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  const controlClosed = new Promise<void>((resolve) => {
    control.server.close(() => {
      resolve();
    });
    control.server.closeAllConnections();
  });
  void Promise.all([controlClosed, sandbox.close()]).then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
