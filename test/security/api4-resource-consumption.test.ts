import { describe, expect, it } from 'vitest';
import { useBff } from '../helpers/bff.js';
import { SHIP_TO } from '../helpers/cache.js';
import { describeRedis, redisCommand, startRedis } from '../helpers/redis.js';
import { freshShopper, newReference, signedIn } from '../helpers/shopper.js';
import { batchPath, rawRequest, useExtraBffs, wireError } from '../helpers/wire.js';

// OWASP API4:2023, unrestricted resource consumption. The limits' own tests are in
// rate-limits, incoming-limits, bounded-answers and breakers; here: what a single request may ask.

describe('API4: what one request may cost', () => {
  const bff = useBff();

  it('refuses a batch of more than MAX_BATCH_SIZE calls before any of them runs', async () => {
    const calls = Array.from({ length: 51 }, () => ({
      path: 'product.page',
      input: { sku: '000123' },
    }));
    const answer = await rawRequest(bff(), batchPath(calls));
    expect(answer.status).toBe(400);
    expect(bff().sandbox.calls.snapshot()).toEqual({});
  });

  it('refuses a search page larger than 50 and a query longer than 200 characters, before the ERP is asked', async () => {
    for (const input of [{ pageSize: 51 }, { query: 'x'.repeat(201) }, { page: 10_001 }]) {
      const answer = await rawRequest(
        bff(),
        `/trpc/product.search?input=${encodeURIComponent(JSON.stringify({ json: input }))}`,
      );
      expect(wireError(answer.body)?.data.code).toBe('BAD_REQUEST');
    }
    expect(bff().sandbox.calls.snapshot()).toEqual({});
  });
});

describeRedis('API4: Redis does not grow without bound', () => {
  const bffs = useExtraBffs();

  it('gives every key it writes an expiry: cached values, tag sets, rate limits, confirmations, locks', async () => {
    const redis = await startRedis();
    try {
      const bff = await bffs.start({
        env: { REDIS_URL: redis.url, CACHE_MAX_BYTES: '50000000', RATE_LIMIT_POINTS: '100000' },
      });
      await expect.poll(async () => (await fetch(`${bff.url}/readyz`)).status).toBe(200);
      // Unique searches, pages, a signed-in dashboard, a cart change and an order.
      for (let i = 0; i < 20; i += 1)
        await bff.client.product.search.query({ query: `unique-${String(i)}-${newReference()}` });
      await bff.client.product.page.query({ sku: '000123' });
      await signedIn(bff, 'ann').account.dashboard.query();
      const shopper = await freshShopper(bff);
      await shopper.client.cart.setItem.mutate({ sku: '000219', quantity: 1 });
      await shopper.client.orders.place.mutate({
        shipTo: SHIP_TO,
        clientReference: newReference(),
      });
      const keys = await redisCommand(redis.url, 'KEYS', '*');
      if (!Array.isArray(keys)) throw new Error('KEYS answered no list');
      expect(keys.length).toBeGreaterThan(20);
      const kinds = new Set<string>();
      for (const key of keys) {
        const ttl = await redisCommand(redis.url, 'PTTL', String(key));
        expect(ttl, String(key)).toBeGreaterThan(0);
        kinds.add(String(key).split(':').slice(0, 2).join(':'));
      }
      expect([...kinds].sort()).toEqual(
        expect.arrayContaining([
          'storefront:order',
          'storefront:rl',
          'storefront:tag',
          'storefront:v',
        ]),
      );
    } finally {
      await redis.stop();
    }
  });
});
