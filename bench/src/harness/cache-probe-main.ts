import { createServer } from 'node:http';
import { createApp, loadConfig } from '@storefront/server';

/**
 * The BFF as `npm start` runs it (the same config loading, createApp and handler), plus one
 * bench-only answer: GET /bench/cache → the cache's entries and bytes against its bound, which the
 * memory run samples while it cycles through many SKUs. Nothing else differs from server/src/main.ts.
 */
const loaded = loadConfig(process.env);
if (!loaded.ok) {
  console.error(
    `cache probe: the configuration is invalid (the bench passes the sandbox’s): ${loaded.errors.join('; ')}`,
  );
  process.exit(1);
}
const { config } = loaded;
const app = createApp(config);
const server = createServer((req, res) => {
  if (req.url === '/bench/cache' || req.url === '/bench/cache?gc=1') {
    // With --expose-gc, ?gc=1 first collects garbage, so that heapUsedBytes is what is alive.
    const gc = (globalThis as { gc?: () => void }).gc;
    if (req.url.endsWith('gc=1') && gc) gc();
    const memory = process.memoryUsage();
    const body = JSON.stringify({
      heapUsedBytes: memory.heapUsed,
      heapTotalBytes: memory.heapTotal,
      externalBytes: memory.external,
      maxBytes: config.CACHE_MAX_BYTES,
      entries: app.cache?.memory.size ?? 0,
      bytes: app.cache?.memory.bytes ?? 0,
      responseEntries: app.responses?.memory.size ?? 0,
      responseBytes: app.responses?.memory.bytes ?? 0,
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
    return;
  }
  app.handler(req, res);
});
server.keepAliveTimeout = 5_000;
server.listen(config.PORT, config.HOST);
process.once('SIGTERM', () => {
  void app.close().then(() => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
});
