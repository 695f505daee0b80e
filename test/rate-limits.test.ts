import { describe, expect, it } from 'vitest';
import { errorOf, startInstance, type Bff } from './helpers/bff.js';
import { describeRedis, startRedis } from './helpers/redis.js';
import { signedIn } from './helpers/shopper.js';
import { batchPath, rawRequest, useExtraBffs, wireError } from './helpers/wire.js';

const page = (sku = '000123') =>
  `/trpc/product.page?input=${encodeURIComponent(JSON.stringify({ json: { sku } }))}`;
const rates = '/trpc/fx.rates';
const get = (bff: Bff, path: string, headers: Record<string, string> = {}) =>
  rawRequest(bff, path, { headers });

describe('rate limits per client', () => {
  const bffs = useExtraBffs();

  it('admits RATE_LIMIT_POINTS calls per window, then answers TOO_MANY_REQUESTS with Retry-After and the RateLimit fields, calling no upstream', async () => {
    const bff = await bffs.start({ env: { RATE_LIMIT_POINTS: '5', RATE_LIMIT_WINDOW_S: '60' } });
    for (let i = 0; i < 5; i += 1) expect((await get(bff, rates)).status).toBe(200);
    bff.sandbox.calls.reset();
    const refused = await get(bff, page());
    expect(refused.status).toBe(429);
    expect(wireError(refused.body)?.data).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      httpStatus: 429,
      appCode: 'RATE_LIMITED',
    });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(wireError(refused.body)?.data.retryAfterSeconds).toBe(retryAfter);
    expect(refused.headers.get('ratelimit-policy')).toBe('"default";q=5;w=60');
    expect(refused.headers.get('ratelimit')).toBe(`"default";r=0;t=${String(retryAfter)}`);
    expect(refused.headers.get('cache-control')).toBe('private, no-store');
    expect(bff.sandbox.calls.snapshot()).toEqual({});
  });

  it('gives the typed client RATE_LIMITED with data.retryAfterSeconds', async () => {
    const bff = await bffs.start({ env: { RATE_LIMIT_POINTS: '1' } });
    await bff.client.fx.rates.query();
    const { data } = await errorOf(bff.client.fx.rates.query());
    expect(data).toMatchObject({ code: 'TOO_MANY_REQUESTS', appCode: 'RATE_LIMITED' });
    expect(typeof data.retryAfterSeconds).toBe('number');
  });

  it('refuses a batch over the remaining points whole, and counts none of its calls', async () => {
    const bff = await bffs.start({ env: { RATE_LIMIT_POINTS: '5' } });
    for (let i = 0; i < 3; i += 1) expect((await get(bff, rates)).status).toBe(200);
    bff.sandbox.calls.reset();
    const batch = await get(
      bff,
      batchPath([
        { path: 'fx.rates' },
        { path: 'fx.rates' },
        { path: 'product.page', input: { sku: '000123' } },
      ]),
    );
    expect(batch.status).toBe(429);
    expect(bff.sandbox.calls.snapshot()).toEqual({});
    // The refused batch took nothing: the last two points are still there.
    expect((await get(bff, batchPath([{ path: 'fx.rates' }, { path: 'fx.rates' }]))).status).toBe(
      200,
    );
    expect((await get(bff, rates)).status).toBe(429);
  });

  it("counts a signed-in user's calls apart from their address's, and an invalid token's with the address", async () => {
    const bff = await bffs.start({ env: { RATE_LIMIT_POINTS: '3' } });
    for (let i = 0; i < 3; i += 1) expect((await get(bff, rates)).status).toBe(200);
    expect((await get(bff, rates, { authorization: 'Bearer not.a.token' })).status).toBe(429);
    const ann = signedIn(bff, 'ann');
    for (let i = 0; i < 3; i += 1) await ann.fx.rates.query();
    expect((await errorOf(ann.fx.rates.query())).data.code).toBe('TOO_MANY_REQUESTS');
    // ben is another client again.
    await signedIn(bff, 'ben').orders.list.query();
  });

  it('believes X-Forwarded-For only from TRUSTED_PROXIES', async () => {
    const untrusted = await bffs.start({ env: { RATE_LIMIT_POINTS: '2' } });
    expect((await get(untrusted, rates, { 'x-forwarded-for': '203.0.113.1' })).status).toBe(200);
    expect((await get(untrusted, rates, { 'x-forwarded-for': '203.0.113.2' })).status).toBe(200);
    // Both were 127.0.0.1, whatever they said.
    expect((await get(untrusted, rates, { 'x-forwarded-for': '203.0.113.3' })).status).toBe(429);

    const behindProxy = await bffs.start({
      env: { RATE_LIMIT_POINTS: '2', TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8' },
    });
    for (let i = 0; i < 2; i += 1)
      expect((await get(behindProxy, rates, { 'x-forwarded-for': '203.0.113.1' })).status).toBe(
        200,
      );
    expect((await get(behindProxy, rates, { 'x-forwarded-for': '203.0.113.1' })).status).toBe(429);
    expect((await get(behindProxy, rates, { 'x-forwarded-for': '203.0.113.2' })).status).toBe(200);
    // The client's own claims left of the last untrusted hop prove nothing; trusted hops are skipped.
    expect(
      (await get(behindProxy, rates, { 'x-forwarded-for': '198.51.100.9, 203.0.113.1, 10.1.2.3' }))
        .status,
    ).toBe(429);
  });

  it('answers every call while RATE_LIMIT_POINTS is 0 (limiting off)', async () => {
    const bff = await bffs.start({ env: { RATE_LIMIT_POINTS: '0' } });
    for (let i = 0; i < 30; i += 1) expect((await get(bff, rates)).status).toBe(200);
  });
});

describe('load shedding', () => {
  const bffs = useExtraBffs();

  it('answers SERVICE_UNAVAILABLE / OVERLOADED at once, calling no upstream, beyond MAX_IN_FLIGHT calls in flight', async () => {
    const bff = await bffs.start({ env: { MAX_IN_FLIGHT: '2', PART_TIMEOUT_MS: '5000' } });
    bff.sandbox.faults.inject('reviews', { kind: 'latency', ms: 1_500 });
    const slow = [get(bff, page()), get(bff, page('123'))];
    await expect.poll(() => bff.sandbox.calls.inFlight('reviews')).toBe(2);
    const refused = await get(bff, rates);
    expect(refused.status).toBe(503);
    expect(wireError(refused.body)?.data).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      appCode: 'OVERLOADED',
    });
    expect(bff.sandbox.calls.snapshot()['fx getDailyRates']).toBeUndefined();
    // A batch counts each call: one of two would fit in no time either.
    expect((await get(bff, batchPath([{ path: 'fx.rates' }, { path: 'fx.rates' }]))).status).toBe(
      503,
    );
    expect((await Promise.all(slow)).map((answer) => answer.status)).toEqual([200, 200]);
    expect((await get(bff, rates)).status).toBe(200);
  });
});

describeRedis('rate limits through Redis', () => {
  const bffs = useExtraBffs();

  it('lets two instances on one Redis allow the limit once between them', async () => {
    const redis = await startRedis();
    try {
      const a = await bffs.start({ env: { RATE_LIMIT_POINTS: '4', REDIS_URL: redis.url } });
      const b = await startInstance(a.sandbox, { RATE_LIMIT_POINTS: '4', REDIS_URL: redis.url });
      try {
        await expect.poll(async () => (await get(a, '/readyz')).status).toBe(200);
        await expect.poll(async () => (await get(b, '/readyz')).status).toBe(200);
        for (const instance of [a, a, b, b]) expect((await get(instance, rates)).status).toBe(200);
        expect((await get(a, rates)).status).toBe(429);
        expect((await get(b, rates)).status).toBe(429);
      } finally {
        await b.close();
      }
    } finally {
      await redis.stop();
    }
  });

  it('limits each instance on its own while Redis is down: no 5xx', async () => {
    const redis = await startRedis();
    const bff = await bffs.start({ env: { RATE_LIMIT_POINTS: '3', REDIS_URL: redis.url } });
    await expect.poll(async () => (await get(bff, '/readyz')).status).toBe(200);
    await redis.stop();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await get(bff, rates)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });
});
