import { afterEach, expect, it } from 'vitest';
import { logLines, type Bff } from './helpers/bff.js';
import { describeRedis, redisCommand, startRedis, type RedisServer } from './helpers/redis.js';
import { sample } from './helpers/metrics.js';
import { SHIP_TO } from './helpers/cache.js';
import { freshShopper, newReference, type FreshShopper } from './helpers/shopper.js';
import { useExtraBffs } from './helpers/wire.js';

// A user's orders.place lock with a real Redis: its expiry outlasts the longest placement, and
// when Redis fails the lock falls back to this instance, counted and logged once per outage.

const FALLBACK_WARNING = 'order lock held in this instance only';

/** Places an order of one line, the shopper's cart filled first. */
async function placeOne(shopper: FreshShopper): Promise<void> {
  await shopper.client.cart.setItem.mutate({ sku: '000219', quantity: 1 });
  await shopper.client.orders.place.mutate({ shipTo: SHIP_TO, clientReference: newReference() });
}

describeRedis('the order lock on Redis', () => {
  const bffs = useExtraBffs();
  let redis: RedisServer | undefined;
  afterEach(async () => {
    await redis?.stop();
    redis = undefined;
  });

  /** A BFF on a Redis of the test's own, once that Redis is connected (ready). */
  async function bffOnRedis(env: Record<string, string> = {}): Promise<Bff> {
    redis = await startRedis();
    const bff = await bffs.start({
      env: { REDIS_URL: redis.url, PART_TIMEOUT_MS: '5000', ...env },
    });
    await expect.poll(async () => (await fetch(`${bff.url}/readyz`)).status).toBe(200);
    return bff;
  }

  it("keeps a user's lock in Redis for longer than the ERP's timeout while the order is placed (ERP_TIMEOUT_MS at its most, 600 s)", async () => {
    const bff = await bffOnRedis({ ERP_TIMEOUT_MS: '600000', UPSTREAM_TIMEOUT_MS: '2000' });
    const shopper = await freshShopper(bff);
    await shopper.client.cart.setItem.mutate({ sku: '000219', quantity: 1 });
    bff.sandbox.faults.inject(
      'erp',
      { kind: 'latency', ms: 1_000 },
      { operation: 'PlaceOrder', times: 1 },
    );
    const placing = shopper.client.orders.place.mutate({
      shipTo: SHIP_TO,
      clientReference: newReference(),
    });
    await expect.poll(() => bff.sandbox.calls.inFlight('erp')).toBe(1);
    const ttl = await redisCommand(
      redis?.url ?? '',
      'PTTL',
      `storefront:lock:order:${shopper.userId}`,
    );
    // Every budget under the lock: the reads, PlaceOrder, emptying the cart.
    expect(ttl).toBeGreaterThan(600_000 + 2 * 2_000);
    await placing;
    // Released once placed.
    expect(
      await redisCommand(redis?.url ?? '', 'EXISTS', `storefront:lock:order:${shopper.userId}`),
    ).toBe(0);
  });

  it('places orders on a lock of its own while Redis is down, counts each in bff_lock_fallbacks_total and warns once per outage that two instances may each place an order', async () => {
    const bff = await bffOnRedis();
    const server = (): RedisServer => {
      if (!redis) throw new Error('no redis');
      return redis;
    };
    await placeOne(await freshShopper(bff));
    expect(await sample(bff, 'bff_lock_fallbacks_total')).toBe(0);
    expect(logLines(bff, 'warn', FALLBACK_WARNING)).toEqual([]);

    // Killed, as a crash would: the orders are still placed, each on this instance's lock.
    await server().stop();
    await placeOne(await freshShopper(bff));
    await placeOne(await freshShopper(bff));
    expect(await sample(bff, 'bff_lock_fallbacks_total')).toBe(2);
    const warnings = logLines(bff, 'warn', FALLBACK_WARNING);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toContain('two instances may each place an order');

    // Back: the lock is in Redis again, and nothing more is counted.
    await server().restart();
    await expect
      .poll(() => logLines(bff, 'info', 'redis is back').length, { timeout: 15_000 })
      .toBe(1);
    await placeOne(await freshShopper(bff));
    expect(await sample(bff, 'bff_lock_fallbacks_total')).toBe(2);

    // A second outage is warned about again.
    await server().stop();
    await placeOne(await freshShopper(bff));
    expect(await sample(bff, 'bff_lock_fallbacks_total')).toBe(3);
    expect(logLines(bff, 'warn', FALLBACK_WARNING)).toHaveLength(2);
  });
});
