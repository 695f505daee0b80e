import { randomUUID } from 'node:crypto';
import { FIRST_GENERATED_SKU } from '@storefront/sandbox';
import type { StorefrontClient } from '@storefront/client';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { logLines, startBff, startInstance, type Bff } from './helpers/bff.js';
import {
  describeRedis,
  freePort,
  redisCommand,
  redisConnections,
  startRedis,
  type RedisServer,
} from './helpers/redis.js';
import { onHand, signedInWith } from './helpers/shopper.js';
import { rawRequest } from './helpers/wire.js';

/** The cache on, with generous budgets: what these tests show must not depend on how busy the machine is. */
const CACHE_ON = { CACHE_MAX_BYTES: '50000000', PART_TIMEOUT_MS: '5000', ERP_TIMEOUT_MS: '5000' };
const SHIP_TO = {
  name: 'Ann Lee',
  street: 'Hauptstraße 1',
  city: 'Berlin',
  postalCode: '10115',
  country: 'DE',
};
/** Redis's own retry delay is at most 2 s: a restarted Redis is in use again well within this. */
const BACK_WITHIN_MS = 15_000;

describeRedis('the Redis tier: several BFF instances act as one', () => {
  let redis: RedisServer | undefined;
  let instanceA: Bff | undefined;
  let instanceB: Bff | undefined;
  let nextSku = FIRST_GENERATED_SKU;

  beforeAll(async () => {
    redis = await startRedis();
    instanceA = await startBff({ env: { ...CACHE_ON, REDIS_URL: redis.url } });
    // B counts its upstream calls at A's sandbox: one sandbox stands for the upstreams of both.
    instanceB = await startInstance(instanceA.sandbox, { ...CACHE_ON, REDIS_URL: redis.url });
    // Both instances connected (a command connection past its ready check, a subscriber each)
    // before the first request: what a request meets while the connection is still being made is
    // not what these tests are about.
    const { url } = redis;
    await vi.waitFor(
      async () => {
        expect(await redisConnections(url)).toEqual({ subscribers: 2, commands: 2 });
      },
      { timeout: 5_000, interval: 20 },
    );
    await redisCommand(url, 'PING');
    expect(logLines(instanceA, 'warn', 'redis')).toEqual([]);
    expect(logLines(instanceB, 'warn', 'redis')).toEqual([]);
  });
  afterEach(() => {
    instanceA?.sandbox.faults.clear();
    instanceA?.sandbox.calls.reset();
  });
  afterAll(async () => {
    await instanceB?.close();
    await instanceA?.close();
    await redis?.stop();
  });

  const a = (): Bff => {
    if (!instanceA) throw new Error('instance A has not started');
    return instanceA;
  };
  const b = (): Bff => {
    if (!instanceB) throw new Error('instance B has not started');
    return instanceB;
  };
  const server = (): RedisServer => {
    if (!redis) throw new Error('redis has not started');
    return redis;
  };
  /** An active generated SKU that no test here has asked for: cold in both instances and in Redis. */
  const coldSku = (wanted: (sku: string) => boolean = () => true): string => {
    for (;;) {
      const sku = String(nextSku++);
      const product = a().sandbox.store.catalog.bySku.get(sku);
      if (!product) throw new Error('the sandbox has no unused SKU left');
      if (product.status === 'ACTIVE' && a().sandbox.store.catalog.prices.has(sku) && wanted(sku))
        return sku;
    }
  };
  /** One shopper, signed in at both instances with the same token. */
  const shopper = async (): Promise<{
    userId: string;
    atA: StorefrontClient;
    atB: StorefrontClient;
  }> => {
    const userId = `u-redis-${randomUUID()}`;
    const token = await a().sandbox.idp.issueToken({ sub: userId });
    return { userId, atA: signedInWith(a(), () => token), atB: signedInWith(b(), () => token) };
  };
  const lines = (cart: { items: { sku: string; quantity: number }[] }) =>
    cart.items.map((item) => [item.sku, item.quantity]);

  it('answers instance B from Redis, without any upstream call, a product page that instance A loaded', async () => {
    const { sandbox } = a();
    const sku = coldSku();
    const atA = await a().client.product.page.query({ sku, currency: 'USD' });
    expect(atA.degraded).toEqual([]);
    expect(sandbox.calls.count('erp', 'GetProduct')).toBe(1);
    sandbox.calls.reset();

    const atB = await b().client.product.page.query({ sku, currency: 'USD' });
    expect(atB).toEqual(atA);
    expect(sandbox.calls.snapshot()).toEqual({});
  });

  it("drops the other instance's in-memory copy of a cart when one instance changes that cart", async () => {
    const { sandbox } = a();
    const { atA, atB } = await shopper();
    const [first, second] = [coldSku(), coldSku()];
    // B holds the (empty) cart in memory: its second read asks nobody.
    expect((await atB.cart.get.query()).items).toEqual([]);
    expect((await atB.cart.get.query()).items).toEqual([]);
    expect(sandbox.calls.count('cart', 'getCart')).toBe(1);

    await atA.cart.setItem.mutate({ sku: first, quantity: 2 });
    expect(lines(await atB.cart.get.query())).toEqual([[first, 2]]);

    // And the other way round: A holds it in memory, B changes it.
    expect(lines(await atA.cart.get.query())).toEqual([[first, 2]]);
    expect(lines(await atA.cart.get.query())).toEqual([[first, 2]]);
    await atB.cart.setItem.mutate({ sku: second, quantity: 3 });
    expect(lines(await atA.cart.get.query())).toEqual([
      [first, 2],
      [second, 3],
    ]);
  });

  it('shows instance B the stock an order at instance A took, although B held that stock in memory', async () => {
    const { sandbox } = a();
    const { atA } = await shopper();
    const sku = coldSku((s) => onHand(a(), s) >= 2);
    const before = (await b().client.product.page.query({ sku })).availability?.quantity;
    expect(before).toBe(onHand(a(), sku));
    if (before === undefined) throw new Error('no availability');
    expect((await b().client.product.page.query({ sku })).availability?.quantity).toBe(before);
    expect(sandbox.calls.count('erp', 'GetStock')).toBe(1);

    await atA.cart.setItem.mutate({ sku, quantity: 2 });
    await atA.orders.place.mutate({ shipTo: SHIP_TO, clientReference: randomUUID() });
    expect((await b().client.product.page.query({ sku })).availability?.quantity).toBe(before - 2);
  });

  it('keeps every value in Redis with a TTL, private ones under the user they belong to', async () => {
    const sku = coldSku();
    await a().client.product.page.query({ sku });
    const { userId, atA } = await shopper();
    await atA.cart.get.query();

    const keys = await redisCommand(server().url, 'KEYS', 'storefront:v:*');
    if (!Array.isArray(keys)) throw new Error(`KEYS answered ${String(keys)}`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      const ttl = await redisCommand(server().url, 'PTTL', String(key));
      expect(ttl, `PTTL ${String(key)}`).toBeGreaterThan(0);
    }
    // A product is kept 5 minutes, then served stale for 1 more: never longer.
    const productKey = keys.find(
      (key) => typeof key === 'string' && key.includes('erp.product') && key.endsWith(`|${sku}`),
    );
    expect(productKey, `a product key of ${sku} among ${JSON.stringify(keys)}`).toBeDefined();
    const productTtl = await redisCommand(server().url, 'PTTL', String(productKey));
    expect(productTtl).toBeGreaterThan(0);
    expect(productTtl).toBeLessThanOrEqual(6 * 60_000);
    // The cart is private: its key names the user.
    expect(
      keys.some(
        (key) =>
          typeof key === 'string' && key.startsWith('storefront:v:cart') && key.includes(userId),
      ),
    ).toBe(true);
    // Tag sets expire too.
    const tagKeys = await redisCommand(server().url, 'KEYS', 'storefront:tag:*');
    if (!Array.isArray(tagKeys)) throw new Error(`KEYS answered ${String(tagKeys)}`);
    for (const key of tagKeys)
      expect(
        await redisCommand(server().url, 'PTTL', String(key)),
        `PTTL ${String(key)}`,
      ).toBeGreaterThan(0);
  });

  it('keeps both instances serving from memory and the upstreams when Redis dies, and says so once per instance', async () => {
    const warm = coldSku();
    const warmPage = await a().client.product.page.query({ sku: warm });
    expect(await b().client.product.page.query({ sku: warm })).toEqual(warmPage);
    const { atA, atB } = await shopper();
    await atA.cart.get.query();

    await server().stop();

    const serveSome = async (): Promise<void> => {
      for (let round = 0; round < 5; round++) {
        const sku = coldSku();
        for (const instance of [a(), b()]) {
          expect(await instance.client.product.page.query({ sku: warm })).toEqual(warmPage);
          const page = await instance.client.product.page.query({ sku });
          expect(page.product.sku).toBe(sku);
          expect(page.degraded).toEqual([]);
        }
        expect((await atA.cart.get.query()).items).toEqual([]);
        expect((await atB.cart.get.query()).items).toEqual([]);
      }
    };
    await serveSome();
    await expect.poll(() => logLines(a(), 'warn', 'redis unavailable').length).toBeGreaterThan(0);
    await expect.poll(() => logLines(b(), 'warn', 'redis unavailable').length).toBeGreaterThan(0);
    await serveSome();
    // A cart change still reaches the changing instance's own memory.
    const sku = coldSku();
    await atA.cart.setItem.mutate({ sku, quantity: 1 });
    expect(lines(await atA.cart.get.query())).toEqual([[sku, 1]]);
    for (const instance of [a(), b()])
      expect((await rawRequest(instance, '/readyz')).status).toBe(200);

    expect(logLines(a(), 'warn', 'redis unavailable')).toHaveLength(1);
    expect(logLines(b(), 'warn', 'redis unavailable')).toHaveLength(1);
  });

  it('uses Redis again on its own once it is back: one instance’s answers serve the other, and invalidations reach it', async () => {
    await server().restart();
    await expect
      .poll(() => logLines(a(), 'info', 'redis is back').length, { timeout: BACK_WITHIN_MS })
      .toBe(1);
    await expect
      .poll(() => logLines(b(), 'info', 'redis is back').length, { timeout: BACK_WITHIN_MS })
      .toBe(1);

    // A page A loads now is B's without a call to the ERP.
    await expect
      .poll(
        async () => {
          const sku = coldSku();
          await a().client.product.page.query({ sku });
          const before = a().sandbox.calls.count('erp', 'GetProduct');
          expect((await b().client.product.page.query({ sku })).product.sku).toBe(sku);
          return a().sandbox.calls.count('erp', 'GetProduct') - before;
        },
        { timeout: BACK_WITHIN_MS, interval: 100 },
      )
      .toBe(0);

    // A cart change at A drops B's in-memory copy again (B's subscription is back).
    const { atA, atB } = await shopper();
    const sku = coldSku();
    let quantity = 0;
    await expect
      .poll(
        async () => {
          quantity += 1;
          await atB.cart.get.query();
          await atA.cart.setItem.mutate({ sku, quantity });
          const [line] = (await atB.cart.get.query()).items;
          return line?.quantity === quantity;
        },
        { timeout: BACK_WITHIN_MS, interval: 100 },
      )
      .toBe(true);

    expect(logLines(a(), 'warn', 'redis unavailable')).toHaveLength(1);
    expect(logLines(b(), 'warn', 'redis unavailable')).toHaveLength(1);
  });
});

describeRedis('the Redis tier at start-up', () => {
  let redis: RedisServer | undefined;
  afterAll(async () => {
    await redis?.stop();
  });

  it('reports a false outage for nothing: requests right after start-up log no Redis warning, and /readyz waits for the connection', async () => {
    redis = await startRedis();
    const bff = await startBff({ env: { ...CACHE_ON, REDIS_URL: redis.url } });
    try {
      await Promise.all([
        bff.client.product.page.query({ sku: '000123' }),
        bff.client.product.page.query({ sku: '123' }),
      ]);
      await vi.waitFor(
        async () => {
          expect((await fetch(`${bff.url}/readyz`)).status).toBe(200);
        },
        { timeout: 5_000, interval: 20 },
      );
      expect(logLines(bff, 'warn', 'redis')).toEqual([]);
    } finally {
      await bff.close();
    }
  });

  it('is ready, serving from memory and the upstreams, when Redis is down at start-up, and says so once', async () => {
    const bff = await startBff({
      env: { ...CACHE_ON, REDIS_URL: `redis://127.0.0.1:${String(await freePort())}` },
    });
    try {
      for (let i = 0; i < 5; i++)
        expect((await bff.client.product.page.query({ sku: '000123' })).product.sku).toBe('000123');
      await vi.waitFor(
        async () => {
          expect((await fetch(`${bff.url}/readyz`)).status).toBe(200);
        },
        { timeout: 5_000, interval: 20 },
      );
      expect(logLines(bff, 'warn', 'redis')).toHaveLength(1);
    } finally {
      await bff.close();
    }
  });
});
