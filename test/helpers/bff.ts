import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createStorefrontClient, type StorefrontClient } from '@storefront/client';
import {
  startSandbox,
  type ErpVersions,
  type Sandbox,
  type SandboxOptions,
} from '@storefront/sandbox';
import {
  createApp,
  createHttpServer,
  loadConfig,
  type App,
  type AppOptions,
} from '@storefront/server';
import { afterAll, afterEach, beforeAll } from 'vitest';

export interface Bff {
  sandbox: Sandbox;
  app: App;
  /** The BFF's base URL (`http://127.0.0.1:PORT`). */
  url: string;
  client: StorefrontClient;
  /** Log lines the BFF wrote (JSON), for assertions on what is logged. */
  logs: string[];
  close(): Promise<void>;
}

export interface StartBffOptions {
  sandbox?: SandboxOptions;
  /** Environment variables over the sandbox's (budgets, limits). */
  env?: Record<string, string>;
  /** Which of the ERP's versions the BFF is pointed at. @default 'v1' (SOAP only) */
  erp?: ErpVersions;
}

/**
 * What tests run with unless they say otherwise: debug logs collected, the cache off (most tests
 * look at what reaches the upstreams), and the protection that would change their counts or
 * outcomes set out of the way: breakers that never open and no retries (a test of a failure mode
 * injects faults in a row and counts the calls that reach the upstream), a rate limit far above
 * what a test sends. The protection's own tests set these to what they test.
 */
export const TEST_DEFAULTS: Record<string, string> = {
  LOG_LEVEL: 'debug',
  CACHE_MAX_BYTES: '0',
  RATE_LIMIT_POINTS: '1000000',
  BREAKER_FAILURES: '1000',
  RETRY_BUDGET_RATIO: '0',
};

/**
 * A BFF from createApp on a real HTTP server on port 0, in front of `sandbox`, with the real
 * client and its debug logs collected. The cache is off unless `env` turns it on: most tests look
 * at what reaches the upstreams. Closing it leaves the sandbox to its owner.
 */
export async function startInstance(
  sandbox: Sandbox,
  env: Record<string, string> = {},
  erp: ErpVersions = 'v1',
  /** Options of createApp over the tests' own (which path tRPC queries take). */
  appOptions: Pick<AppOptions, 'singleQueries'> = {},
): Promise<Bff> {
  const loaded = loadConfig({ ...sandbox.env({ erp }), ...TEST_DEFAULTS, ...env });
  if (!loaded.ok) throw new Error(`bad test configuration: ${loaded.errors.join('; ')}`);
  const logs: string[] = [];
  const log =
    (level: string) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      logs.push(JSON.stringify({ level, msg, ...fields }));
    };
  const app = createApp(loaded.config, {
    log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
    // prom-client's process metrics are one set per process: a test file starts many apps.
    defaultMetrics: false,
    // Shadow reads are not dropped for load: this worker's event loop carries the sandbox, the
    // client and every BFF of the file, and its load is the machine's (unit tests drop them).
    eventLoopBusy: () => false,
    ...appOptions,
  });
  const server: Server = createHttpServer(app.handler, loaded.config);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  return {
    sandbox,
    app,
    url,
    client: createStorefrontClient({ url: `${url}/trpc` }),
    logs,
    async close() {
      await app.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    },
  };
}

/** The sandbox and a BFF in front of it (see startInstance); closing it closes both. */
export async function startBff(options: StartBffOptions = {}): Promise<Bff> {
  const sandbox = await startSandbox({ latency: 'none', products: 600, ...options.sandbox });
  try {
    const instance = await startInstance(sandbox, options.env, options.erp);
    return {
      ...instance,
      async close() {
        await instance.close();
        await sandbox.close();
      },
    };
  } catch (error) {
    await sandbox.close();
    throw error;
  }
}

/** One BFF for the whole file; faults and call counts are reset after each test. */
export function useBff(options: StartBffOptions = {}): () => Bff {
  let bff: Bff | undefined;
  beforeAll(async () => {
    bff = await startBff(options);
  });
  afterEach(() => {
    bff?.sandbox.faults.clear();
    bff?.sandbox.calls.reset();
  });
  afterAll(async () => {
    await bff?.close();
  });
  return () => {
    if (!bff) throw new Error('the BFF has not started');
    return bff;
  };
}

/** A raw GET of a query over the wire format, for what the typed client does not show (headers, bodies). */
export async function getQuery(
  bff: Bff,
  path: string,
  input?: unknown,
): Promise<{ status: number; headers: Headers; text: string; body: unknown }> {
  const query =
    input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  const response = await fetch(`${bff.url}/trpc/${path}${query}`);
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: JSON.parse(text) as unknown,
  };
}

/** The tRPC error data of a rejected call: `{ code, appCode, httpStatus, … }`. */
export async function errorOf(
  promise: Promise<unknown>,
): Promise<{ message: string; data: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    const { message, data } = error as { message: string; data?: Record<string, unknown> };
    return { message, data: data ?? {} };
  }
  throw new Error('expected the call to fail');
}

/** The log lines of a BFF at one level whose message starts with `prefix`. */
export function logLines(
  bff: Bff,
  level: string,
  prefix: string,
): { level: string; msg: string }[] {
  return bff.logs
    .map((line) => JSON.parse(line) as { level: string; msg: string })
    .filter((line) => line.level === level && line.msg.startsWith(prefix));
}
