import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createStorefrontClient } from '@storefront/client';
import type { Sandbox } from '@storefront/sandbox';
import { createApp, loadConfig } from '@storefront/server';
import type { Bff } from './bff.js';

/**
 * Another BFF instance in front of an existing sandbox (the one of a `startBff`), on its own HTTP
 * server on port 0: several instances count their upstream calls at one sandbox. Closing it leaves
 * the sandbox running (its owner closes it). Settings as startBff's: debug logs collected, the
 * cache off unless `env` turns it on.
 */
export async function startInstance(sandbox: Sandbox, env: Record<string, string> = {}): Promise<Bff> {
  const loaded = loadConfig({ ...sandbox.env(), LOG_LEVEL: 'debug', CACHE_MAX_BYTES: '0', ...env });
  if (!loaded.ok || loaded.config.upstreams === 'sandbox') {
    throw new Error(`bad test configuration: ${loaded.ok ? 'no upstreams' : loaded.errors.join('; ')}`);
  }
  const logs: string[] = [];
  const log = (level: string) => (msg: string, fields: Record<string, unknown> = {}) => {
    logs.push(JSON.stringify({ level, msg, ...fields }));
  };
  const app = createApp({ ...loaded.config, upstreams: loaded.config.upstreams }, {
    log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
  });
  const server = createServer(app.handler);
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
      await new Promise<void>((resolve) => server.close(() => {
        resolve();
      }));
    },
  };
}

/** The log lines of a BFF at one level whose message starts with `prefix`. */
export function logLines(bff: Bff, level: string, prefix: string): { level: string; msg: string }[] {
  return bff.logs.map((line) => JSON.parse(line) as { level: string; msg: string }).filter((line) => line.level === level && line.msg.startsWith(prefix));
}
