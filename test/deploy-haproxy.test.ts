import { spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import autocannon, { type LoadInstance, type LoadSummary } from 'autocannon';
import { createStorefrontClient, type StorefrontClient } from '@storefront/client';
import { FIRST_GENERATED_SKU, holdFault, startSandbox, type Sandbox } from '@storefront/sandbox';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { errorOf } from './helpers/bff.js';
import { SHIP_TO } from './helpers/cache.js';
import { startHaproxy, type Haproxy } from './helpers/haproxy.js';
import { ROOT, startProcess, type Running } from './helpers/processes.js';
import { describeNeeding, freePort, startRedis, type RedisServer } from './helpers/redis.js';

// The topology deploy/ ships, with real parts: HAProxy on deploy/haproxy.cfg in front of two BFF
// processes started as in production (`node <flags> server/dist/main.js`, NODE_ENV=production),
// one redis-server between them, the sandbox as the upstreams. Under steady load an instance
// restarted or killed costs no request, or at most those it had in flight; the rate limit, cache
// invalidation and the one-order lock hold across the instances.

/** Requests per second the load sends, over all its connections: a few hundred pages a second. */
const RATE = 250;
/** The load's connections: no more requests than this are ever in flight at once. */
const CONNECTIONS = 16;
/** As deploy/compose.yaml and deploy/kubernetes: longer than HAProxy takes to see /readyz fail (2 × 1 s). */
const SHUTDOWN_DELAY_MS = '5000';
/** Calls a client may make (in RATE_LIMIT_WINDOW_S): few, so that a test reaches the limit. */
const RATE_LIMIT_POINTS = 30;

/**
 * A client's address as HAProxy passes it on (X-Forwarded-For). The test's clients all connect from
 * 127.0.0.1, which is also where HAProxy's connections come from, so the BFF (TRUSTED_PROXIES
 * 127.0.0.1) takes the address a request names as its client's: the load stands for many clients,
 * one request each, and no client of the load reaches the rate limit.
 */
const clientAddress = (n: number): string =>
  `10.${String((n >> 16) & 255)}.${String((n >> 8) & 255)}.${String(n & 255)}`;

/** The flags `npm start` gives node for the default cache (server/dist/node-flags.js prints them). */
function productionFlags(): string[] {
  const printed = spawnSync(process.execPath, ['server/dist/node-flags.js'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (printed.status !== 0) throw new Error(`node-flags.js failed: ${printed.stderr}`);
  return printed.stdout.split(' ').filter(Boolean);
}

/** One BFF process on a fixed port (HAProxy's configuration names it), started and stopped by the test. */
interface Instance {
  /** Its name in deploy/haproxy.cfg. */
  name: string;
  url: string;
  start(): Promise<void>;
  /** Sends the signal and resolves with the exit code once the process has exited. */
  signal(signal: 'SIGTERM' | 'SIGKILL'): Promise<number | null>;
  output(): string;
}

function instanceOn(name: string, port: number, env: () => Record<string, string>): Instance {
  let running: Running | undefined;
  // The newest child, known from its spawn on: stopped even if it never said it listens.
  let child: ChildProcess | undefined;
  let earlier = '';
  return {
    name,
    url: `http://127.0.0.1:${String(port)}`,
    async start() {
      if (running) earlier += running.output();
      running = undefined;
      running = await startProcess(
        process.execPath,
        [...productionFlags(), 'server/dist/main.js'],
        { ...env(), PORT: String(port) },
        ROOT,
        (spawned) => {
          child = spawned;
        },
      );
    },
    async signal(signal) {
      if (!child || child.exitCode !== null || child.signalCode !== null)
        throw new Error(`${name} is not running`);
      const exited = once(child, 'exit').then(([code]) => code as number | null);
      child.kill(signal);
      return exited;
    },
    output: () => earlier + (running?.output() ?? ''),
  };
}

/** One request of the load: a GET of `path`, or a POST of `body` when it has one. */
interface Call {
  path: string;
  body?: string;
  token?: string;
}

/** Steady load through HAProxy: autocannon at RATE requests per second, the calls in turn. */
interface Load {
  responses(): number;
  /** Ends the load; what it counted: every status, connection errors, timeouts. */
  stop(): Promise<{ summary: LoadSummary; statuses: Record<string, number> }>;
}

function startLoad(url: string, calls: readonly Call[]): Load {
  let next = 0;
  let responses = 0;
  const statuses: Record<string, number> = {};
  let instance: LoadInstance | undefined;
  const done = new Promise<LoadSummary>((resolve, reject) => {
    instance = autocannon(
      {
        url,
        connections: CONNECTIONS,
        overallRate: RATE,
        // Ended by stop(); the bound only keeps a failed test from loading the machine for long.
        duration: 600,
        timeout: 30,
        requests: [
          {
            method: 'GET',
            setupRequest: (request) => {
              next += 1;
              const call = calls[next % calls.length];
              if (!call) throw new Error('the load has no calls');
              return {
                ...request,
                path: call.path,
                method: call.body === undefined ? 'GET' : 'POST',
                ...(call.body === undefined ? {} : { body: call.body }),
                headers: {
                  'x-forwarded-for': clientAddress(next),
                  ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
                  ...(call.token === undefined ? {} : { authorization: `Bearer ${call.token}` }),
                },
              };
            },
          },
        ],
      },
      (error, summary) => {
        if (error) reject(error);
        else resolve(summary);
      },
    );
  });
  instance?.on('response', (_client, status) => {
    responses += 1;
    statuses[String(status)] = (statuses[String(status)] ?? 0) + 1;
  });
  return {
    responses: () => responses,
    async stop() {
      instance?.stop();
      return { summary: await done, statuses };
    },
  };
}

/** Requests that did not get a 2xx answer: errors, timeouts and other statuses. */
function lost({ summary }: { summary: LoadSummary }): number {
  return summary.errors + summary.timeouts + summary.non2xx;
}

describeNeeding(
  ['haproxy', 'redis-server'],
  'two BFF instances behind HAProxy (deploy/haproxy.cfg) and one Redis',
  'the multi-instance deployment',
  () => {
    let sandbox: Sandbox | undefined;
    let redis: RedisServer | undefined;
    let haproxy: Haproxy | undefined;
    const instances: Instance[] = [];
    let calls: Call[] = [];

    const lb = (): Haproxy => {
      if (!haproxy) throw new Error('haproxy has not started');
      return haproxy;
    };
    const upstreams = (): Sandbox => {
      if (!sandbox) throw new Error('the sandbox has not started');
      return sandbox;
    };
    const instance = (index: number): Instance => {
      const found = instances[index];
      if (!found) throw new Error(`no instance ${String(index)}`);
      return found;
    };
    /** Waits until HAProxy's checks have the server in this state. */
    const until = async (name: string, status: 'UP' | 'DOWN'): Promise<void> => {
      // vi.waitFor rather than expect.poll: the set-up waits too.
      await vi.waitFor(
        async () => {
          expect(await lb().status(name)).toBe(status);
        },
        { timeout: 30_000, interval: 100 },
      );
    };
    /** Starts a stopped instance and waits until HAProxy has it UP and sends it traffic again. */
    const startAgain = async (each: Instance): Promise<void> => {
      const before = await lb().served(each.name);
      await each.start();
      await until(each.name, 'UP');
      await expect
        .poll(() => lb().served(each.name), { timeout: 30_000 })
        .toBeGreaterThanOrEqual(before + 50);
    };
    /** A signed-in client for a user of its own, at this URL (HAProxy's or an instance's). */
    const clientAt = (url: string, token: string): StorefrontClient =>
      createStorefrontClient({ url: `${url}/trpc`, getToken: () => token });

    beforeAll(async () => {
      sandbox = await startSandbox({ latency: 'none', products: 600 });
      redis = await startRedis();
      const ports = [await freePort(), await freePort()];
      const env = (): Record<string, string> => ({
        ...upstreams().env({ erp: 'v1' }),
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        REDIS_URL: redis?.url ?? '',
        TRUSTED_PROXIES: '127.0.0.1',
        SHUTDOWN_DELAY_MS,
        SHUTDOWN_GRACE_MS: '30000',
        RATE_LIMIT_POINTS: String(RATE_LIMIT_POINTS),
        RATE_LIMIT_WINDOW_S: '3600',
        // What the test shows must not depend on how busy the machine is.
        PART_TIMEOUT_MS: '5000',
        ERP_TIMEOUT_MS: '5000',
        UPSTREAM_TIMEOUT_MS: '5000',
      });
      instances.push(
        instanceOn('bff1', ports[0] ?? 0, env),
        instanceOn('bff2', ports[1] ?? 0, env),
      );
      await Promise.all(instances.map((each) => each.start()));
      haproxy = await startHaproxy({
        listenPort: await freePort(),
        statsPort: await freePort(),
        servers: {
          BFF1_ADDR: instance(0).url.replace('http://', ''),
          BFF2_ADDR: instance(1).url.replace('http://', ''),
        },
      });
      await until('bff1', 'UP');
      await until('bff2', 'UP');

      // Pages of 40 products, over tRPC and over REST: most answers come from the cache (as in a
      // real storefront), the rest from the upstreams. And a shopper of 200 changing their cart: a
      // mutation, which HAProxy never sends twice.
      const { catalog } = upstreams().store;
      const skus = [...catalog.bySku.values()]
        .filter(
          (product) =>
            Number(product.sku) >= FIRST_GENERATED_SKU &&
            product.status === 'ACTIVE' &&
            catalog.prices.has(product.sku),
        )
        .slice(0, 40)
        .map((product) => product.sku);
      const tokens = await Promise.all(
        Array.from({ length: 200 }, () =>
          upstreams().idp.issueToken({ sub: `u-deploy-${randomUUID()}` }),
        ),
      );
      calls = skus.flatMap((sku, n) => [
        {
          path: `/trpc/product.page?input=${encodeURIComponent(JSON.stringify({ json: { sku } }))}`,
        },
        { path: `/api/v1/products/${sku}` },
        ...tokens.slice(n * 5, n * 5 + 5).map((token, quantity) => ({
          path: '/trpc/cart.setItem',
          body: JSON.stringify({ json: { sku, quantity: quantity + 1 } }),
          token,
        })),
      ]);
    }, 120_000);

    afterEach(() => {
      sandbox?.faults.clear();
    });

    afterAll(async () => {
      await haproxy?.stop();
      await Promise.all(instances.map((each) => each.signal('SIGKILL').catch(() => undefined)));
      await redis?.stop();
      await sandbox?.close();
    }, 60_000);

    it('loses no request while every instance is restarted in turn (SIGTERM, wait, start again) under a few hundred pages a second', async () => {
      const load = startLoad(lb().url, calls);
      await expect.poll(() => load.responses(), { timeout: 30_000 }).toBeGreaterThan(RATE);
      for (const each of instances) {
        expect(await each.signal('SIGTERM'), each.output()).toBe(0);
        // Back in rotation before the next one goes.
        await startAgain(each);
      }
      const result = await load.stop();
      expect({ lost: lost(result), statuses: result.statuses }).toEqual({
        lost: 0,
        statuses: { '200': result.summary['2xx'] },
      });
      expect(result.summary['2xx']).toBeGreaterThan(2 * RATE);
    }, 180_000);

    it('loses at most the requests in flight on an instance killed with SIGKILL, and takes it back once it is started again', async () => {
      const load = startLoad(lb().url, calls);
      await expect.poll(() => load.responses(), { timeout: 30_000 }).toBeGreaterThan(RATE);
      const killed = instance(0);
      expect(await killed.signal('SIGKILL')).toBe(null);
      await until(killed.name, 'DOWN');
      // The other instance carries the whole load meanwhile.
      const during = load.responses();
      await expect.poll(() => load.responses(), { timeout: 30_000 }).toBeGreaterThan(during + RATE);
      await startAgain(killed);
      const result = await load.stop();
      // Each connection of the load has at most one request in flight at any moment.
      expect(lost(result), JSON.stringify(result.statuses)).toBeLessThanOrEqual(CONNECTIONS);
      expect(result.summary['2xx']).toBeGreaterThan(2 * RATE);
    }, 180_000);

    it("counts a client's calls against one rate limit whichever instance serves them", async () => {
      const client = { 'x-forwarded-for': '203.0.113.9' };
      const before = [await lb().served('bff1'), await lb().served('bff2')];
      const statuses: number[] = [];
      for (let call = 0; call <= RATE_LIMIT_POINTS; call++)
        statuses.push((await fetch(`${lb().url}/trpc/fx.rates`, { headers: client })).status);
      // Both instances answered some of the calls…
      expect(await lb().served('bff1')).toBeGreaterThan(before[0] ?? 0);
      expect(await lb().served('bff2')).toBeGreaterThan(before[1] ?? 0);
      // …and took them from one budget: with a budget per instance, none would have been refused.
      expect(statuses).toEqual([...Array<number>(RATE_LIMIT_POINTS).fill(200), 429]);
      const refused = await fetch(`${lb().url}/api/v1/fx-rates`, { headers: client });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('ratelimit-policy')).toBe(
        `"default";q=${String(RATE_LIMIT_POINTS)};w=3600`,
      );
    });

    it('shows every instance the stock an order placed through another took, although each held the page in memory', async () => {
      const store = upstreams().store;
      const sku = [...store.catalog.bySku.values()]
        .map((product) => product.sku)
        .reverse()
        .find(
          (candidate) =>
            store.catalog.bySku.get(candidate)?.status === 'ACTIVE' &&
            (store.stock.get(candidate) ?? []).reduce((sum, row) => sum + row.quantity, 0) >= 2,
        );
      if (!sku) throw new Error('the sandbox has no product with stock');
      const quantityAt = async (url: string): Promise<number | undefined> =>
        (
          await createStorefrontClient({ url: `${url}/trpc` }).product.page.query({
            sku,
            currency: 'USD',
          })
        ).availability?.quantity;
      upstreams().calls.reset();
      const atFirst = await quantityAt(instance(0).url);
      expect(await quantityAt(instance(1).url)).toBe(atFirst);
      // The second instance had the page from Redis and keeps it in memory: one stock read in all.
      expect(await quantityAt(instance(1).url)).toBe(atFirst);
      expect(upstreams().calls.count('erp', 'GetStock')).toBe(1);
      if (atFirst === undefined) throw new Error('no availability');

      const token = await upstreams().idp.issueToken({ sub: `u-deploy-${randomUUID()}` });
      const shopper = clientAt(instance(0).url, token);
      await shopper.cart.setItem.mutate({ sku, quantity: 2 });
      await shopper.orders.place.mutate({ shipTo: SHIP_TO, clientReference: randomUUID() });
      expect(await quantityAt(instance(1).url)).toBe(atFirst - 2);
      expect(await quantityAt(instance(0).url)).toBe(atFirst - 2);
    });

    it('lets one order per user run at a time across instances: the second, at the other instance, is refused while the first is placed', async () => {
      const token = await upstreams().idp.issueToken({ sub: `u-deploy-${randomUUID()}` });
      const atFirst = clientAt(instance(0).url, token);
      const atSecond = clientAt(instance(1).url, token);
      await atFirst.cart.setItem.mutate({ sku: '000219', quantity: 1 });
      const hold = holdFault();
      upstreams().faults.inject('erp', hold.fault, { operation: 'PlaceOrder', times: 1 });
      const first = atFirst.orders.place.mutate({ shipTo: SHIP_TO, clientReference: randomUUID() });
      await expect.poll(() => upstreams().calls.inFlight('erp')).toBe(1);
      const { data } = await errorOf(
        atSecond.orders.place.mutate({ shipTo: SHIP_TO, clientReference: randomUUID() }),
      );
      expect(data).toMatchObject({ code: 'CONFLICT', appCode: 'ORDER_IN_PROGRESS' });
      hold.release();
      expect((await first).orderNo).toMatch(/^SO-/);
    });
  },
);
