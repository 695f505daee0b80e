import type { Server as HttpServer } from 'node:http';
import { Server as NetServer, type AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { loadDotEnv } from './dotenv.js';
import { missingHeapFlags, RUNTIME_FLAGS } from './heap.js';
import { createHttpServer } from './http/server.js';
import { createLogger } from './kit/logger.js';
import { startTracing } from './kit/telemetry/tracing.js';

/**
 * The BFF's process: the only file that listens and reads process.env (through config.ts). It
 * knows real upstream URLs only; `npm start` runs it on the embedded sandbox through the
 * development entry (dev/), which puts the sandbox's URLs into the environment first.
 */
loadDotEnv();
const loaded = loadConfig(process.env);
if (!loaded.ok) {
  console.error(
    `Storefront BFF: the configuration is invalid (see .env.example):\n${loaded.errors.map((e) => `  - ${e}`).join('\n')}\n` +
      'To try the BFF on simulated upstreams instead, run `npm start` from the repository with no upstream variables set.',
  );
  process.exit(1);
}
const { config } = loaded;

// The V8 settings of heap.ts come with the start command (`npm start` gives them: node-flags.ts);
// when they did not, those V8 takes at run time are set here (a semi-space size is not: it is
// fixed when the heap is made).
for (const flag of missingHeapFlags(config.CACHE_MAX_BYTES, {
  execArgv: process.execArgv,
  nodeOptions: process.env.NODE_OPTIONS,
}))
  if (RUNTIME_FLAGS.some((runtime) => flag.startsWith(runtime))) setFlagsFromString(flag);
const log = createLogger(config.LOG_LEVEL);
// Spans are exported only when an OTLP endpoint is configured (OpenTelemetry's own variables apply).
const tracing =
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT && process.env.OTEL_SDK_DISABLED !== 'true'
    ? await startTracing()
    : undefined;
const app = createApp(config, { log });
const server = createHttpServer(app.handler, config);

server.listen(config.PORT, config.HOST, () => {
  const address = server.address() as AddressInfo;
  const url = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${String(address.port)}`;
  log.info('listening', {
    url,
    trpc: `${url}/trpc`,
    example: `${url}/trpc/product.page?input=${encodeURIComponent('{"json":{"sku":"000123"}}')}`,
  });
});

/**
 * Resolves in a check phase of the event loop whose poll phase accepted no connection: everything
 * that was in the listen backlog by then has been accepted (libuv accepts until the queue is
 * empty each time the listener is readable). After a stall (a busy machine, a pause), timers run
 * before the poll phase that accepts what queued meanwhile: closing the listener from a timer
 * would reset those connections, whose requests may already have been sent.
 */
function acceptQueued(server: HttpServer): Promise<void> {
  return new Promise((resolve) => {
    let accepted = 1; // the first turn may start after this turn's poll phase: never judged
    const count = (): void => {
      accepted += 1;
    };
    server.on('connection', count);
    const turn = (): void => {
      if (accepted === 0) {
        server.off('connection', count);
        resolve();
        return;
      }
      accepted = 0;
      setImmediate(turn);
    };
    setImmediate(turn);
  });
}

/**
 * A draining shutdown, on SIGTERM or SIGINT: /readyz answers 503 at once and every answer closes
 * its connection; new connections are still accepted for SHUTDOWN_DELAY_MS (the load balancer's
 * probe interval); then what waits in the listen backlog is accepted and the listener closes;
 * idle connections close, and calls in flight finish, their connections closing after their
 * answers, for up to SHUTDOWN_GRACE_MS; then Redis and the upstream connections close and the
 * process exits 0. If the grace period runs out, or a second signal comes, it exits 1 at once.
 * The first repeat of the same signal is not a second one: a Ctrl-C under npm reaches the server
 * twice, from the terminal and from npm passing it on. Another signal, or the same one a third
 * time, is.
 *
 * The listener closes as net.Server does: http.Server's own close() would also stop Node's checks
 * of HEADERS_TIMEOUT_MS and REQUEST_TIMEOUT_MS, so that a connection accepted last whose request
 * never comes would hold the shutdown until the grace period ran out. A connection that has not
 * sent its request yet is not idle to Node: it gets HEADERS_TIMEOUT_MS to send it.
 */
let first: { signal: NodeJS.Signals; repeated: boolean } | undefined;
const shutdown = (signal: NodeJS.Signals): void => {
  if (first) {
    if (signal === first.signal && !first.repeated) {
      first.repeated = true;
      log.info('same signal again: still shutting down', { signal });
      return;
    }
    log.warn('second signal: exiting now', { signal });
    process.exit(1);
  }
  first = { signal, repeated: false };
  log.info('shutting down', {
    signal,
    delayMs: config.SHUTDOWN_DELAY_MS,
    graceMs: config.SHUTDOWN_GRACE_MS,
  });
  app.drain();
  setTimeout(() => {
    const grace = setTimeout(() => {
      log.warn('calls still in flight at the end of the grace period: exiting', {
        graceMs: config.SHUTDOWN_GRACE_MS,
      });
      process.exit(1);
    }, config.SHUTDOWN_GRACE_MS);
    void acceptQueued(server).then(() => {
      // Keep-alive connections whose last call ends close as soon as they are idle.
      const idle = setInterval(() => {
        server.closeIdleConnections();
      }, 50);
      NetServer.prototype.close.call(server, () => {
        clearInterval(idle);
        void app.close().then(async () => {
          await tracing?.shutdown();
          clearTimeout(grace);
          log.info('stopped');
          process.exit(0);
        });
      });
      server.closeIdleConnections();
    });
  }, config.SHUTDOWN_DELAY_MS);
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
