import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import { loadConfig, type Config, type UpstreamConfig } from './config.js';
import { createLogger } from './kit/logger.js';

/** The only file that listens and reads process.env (through config.ts). */
const loaded = loadConfig(process.env);
if (!loaded.ok) {
  console.error(`Storefront BFF: the configuration is invalid (see .env.example and API.md):\n${loaded.errors.map((e) => `  - ${e}`).join('\n')}`);
  process.exit(1);
}
const log = createLogger(loaded.config.LOG_LEVEL);
let config: Config & { upstreams: UpstreamConfig };
let closeSandbox: (() => Promise<void>) | undefined;

if (loaded.config.upstreams === 'sandbox') {
  const { startSandbox } = await import('@storefront/sandbox');
  const sandbox = await startSandbox();
  closeSandbox = () => sandbox.close();
  const withSandbox = loadConfig({ ...process.env, ...sandbox.env() });
  if (!withSandbox.ok || withSandbox.config.upstreams === 'sandbox') throw new Error('the embedded sandbox gave an unusable configuration');
  config = { ...withSandbox.config, upstreams: withSandbox.config.upstreams };
  const banner = '*'.repeat(78);
  // Loud on purpose, in plain text: nobody should mistake this for real data.
  process.stderr.write(
    `${banner}\n  NO UPSTREAMS CONFIGURED: serving FAKE DATA from the embedded sandbox.\n` +
      `  Demo users: ${sandbox.users.map((u) => u.username).join(', ')} (password "sandbox"). A token:\n` +
      `    curl -s -X POST ${sandbox.idp.tokenUrl} -d '{"username":"ann","password":"sandbox"}'\n` +
      `  Set the upstream variables of .env.example for real data.\n${banner}\n`,
  );
  log.warn('serving fake data from the embedded sandbox', { sandbox: true });
} else {
  config = { ...loaded.config, upstreams: loaded.config.upstreams };
}

const app = createApp(config, { log });
const server = createServer(app.handler);
server.requestTimeout = 30_000;
server.headersTimeout = 20_000;
server.keepAliveTimeout = 5_000;

server.listen(config.PORT, config.HOST, () => {
  const address = server.address() as AddressInfo;
  const url = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${String(address.port)}`;
  log.info('listening', { url, trpc: `${url}/trpc`, example: `${url}/trpc/product.page?input=${encodeURIComponent('{"json":{"sku":"000123"}}')}` });
});

let stopping = false;
const shutdown = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  log.info('shutting down', { signal });
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  void app
    .close()
    .then(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => {
            resolve();
          });
          server.closeIdleConnections();
        }),
    )
    .then(() => closeSandbox?.())
    .then(() => process.exit(0));
};
process.once('SIGTERM', () => {
  shutdown('SIGTERM');
});
process.once('SIGINT', () => {
  shutdown('SIGINT');
});
