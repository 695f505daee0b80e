import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { createLogger } from './kit/logger.js';

/**
 * The BFF's process: the only file that listens and reads process.env (through config.ts). It
 * knows real upstream URLs only; `npm start` runs it on the embedded sandbox through the
 * development entry (dev/), which puts the sandbox's URLs into the environment first.
 */
const loaded = loadConfig(process.env);
if (!loaded.ok) {
  console.error(
    `Storefront BFF: the configuration is invalid (see .env.example):\n${loaded.errors.map((e) => `  - ${e}`).join('\n')}\n` +
      'To try the BFF on simulated upstreams instead, run `npm start` from the repository with no upstream variables set.',
  );
  process.exit(1);
}
const { config } = loaded;
const log = createLogger(config.LOG_LEVEL);
const app = createApp(config, { log });
const server = createServer(app.handler);
server.requestTimeout = 30_000;
server.headersTimeout = 20_000;
server.keepAliveTimeout = 5_000;

server.listen(config.PORT, config.HOST, () => {
  const address = server.address() as AddressInfo;
  const url = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${String(address.port)}`;
  log.info('listening', {
    url,
    trpc: `${url}/trpc`,
    example: `${url}/trpc/product.page?input=${encodeURIComponent('{"json":{"sku":"000123"}}')}`,
  });
});

let stopping = false;
/**
 * Stops accepting, lets the calls in flight finish (idle keep-alive connections are closed at
 * once), then closes the cache's Redis and the upstream connections, and exits 0; exits 1 if that
 * takes longer than 10 s.
 */
const shutdown = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  log.info('shutting down', { signal });
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  void new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
    server.closeIdleConnections();
  })
    .then(() => app.close())
    .then(() => process.exit(0));
};
process.once('SIGTERM', () => {
  shutdown('SIGTERM');
});
process.once('SIGINT', () => {
  shutdown('SIGINT');
});
