import { holdFault, UNKNOWN_SKUS } from '@storefront/sandbox';
import { describe, expect, it } from 'vitest';
import type { Bff } from './helpers/bff.js';
import { errorOf, logLines } from './helpers/bff.js';
import { total } from './helpers/metrics.js';
import { signedIn } from './helpers/shopper.js';
import { useExtraBffs } from './helpers/wire.js';

// The upstreams' protection seen from the outside: what reaches an upstream is counted at the
// sandbox, never timed.

const pageOf = (bff: Bff, sku = '000123') => bff.client.product.page.query({ sku });

/** Pages until one fails with `code`, at most `limit` of them; the codes seen. */
async function pagesUntil(bff: Bff, code: string, limit: number): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < limit; i += 1) {
    const { data } = await errorOf(pageOf(bff));
    seen.push(String(data.code));
    if (data.code === code) break;
  }
  return seen;
}

describe('circuit breakers', () => {
  const bffs = useExtraBffs();

  it('answers product.page SERVICE_UNAVAILABLE without calling a hanging ERP once its breaker is open', async () => {
    const bff = await bffs.start({
      env: {
        BREAKER_FAILURES: '3',
        BREAKER_COOLDOWN_MS: '600000',
        ERP_TIMEOUT_MS: '200',
        PART_TIMEOUT_MS: '200',
      },
    });
    bff.sandbox.faults.inject('erp', { kind: 'hang' });
    const seen = await pagesUntil(bff, 'SERVICE_UNAVAILABLE', 5);
    expect(seen.at(-1)).toBe('SERVICE_UNAVAILABLE');
    expect(seen.slice(0, -1).every((code) => code === 'GATEWAY_TIMEOUT')).toBe(true);
    bff.sandbox.calls.reset();
    for (let i = 0; i < 5; i += 1) {
      const { data } = await errorOf(pageOf(bff));
      expect(data).toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        httpStatus: 503,
        appCode: 'UPSTREAM_UNAVAILABLE',
      });
    }
    expect(bff.sandbox.calls.snapshot()).not.toHaveProperty(['erp GetProduct']);
    expect(
      Object.keys(bff.sandbox.calls.snapshot()).filter((call) => call.startsWith('erp')),
    ).toEqual([]);
    // Operators see it: one line when the breaker opened, naming the upstream.
    expect(
      logLines(bff, 'warn', 'circuit breaker opened').map(
        (line) => (line as { upstream?: string }).upstream,
      ),
    ).toEqual(['erp']);
  });

  it('serves pages again once the ERP recovers: after the cooldown one probe goes through and closes the breaker', async () => {
    const bff = await bffs.start({
      env: {
        BREAKER_FAILURES: '2',
        BREAKER_COOLDOWN_MS: '300',
        ERP_TIMEOUT_MS: '200',
        PART_TIMEOUT_MS: '200',
      },
    });
    bff.sandbox.faults.inject('erp', { kind: 'status', status: 500 });
    expect((await pagesUntil(bff, 'SERVICE_UNAVAILABLE', 5)).at(-1)).toBe('SERVICE_UNAVAILABLE');
    bff.sandbox.faults.clear();
    // Still open within the cooldown: nothing reaches the ERP.
    bff.sandbox.calls.reset();
    expect((await errorOf(pageOf(bff))).data.code).toBe('SERVICE_UNAVAILABLE');
    expect(bff.sandbox.calls.snapshot()['erp GetProduct']).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 350));
    // The first page's GetProduct is the probe: its other ERP calls meet a half-open breaker and degrade.
    const first = await pageOf(bff);
    expect(first.product.sku).toBe('000123');
    expect(bff.sandbox.calls.snapshot()['erp GetProduct']).toBe(1);
    const next = await pageOf(bff);
    expect(next.degraded).toEqual([]);
  });

  it('does not open for answers: 50 unknown SKUs in a row are NOT_FOUND, and the ERP is still asked', async () => {
    const bff = await bffs.start({ env: { BREAKER_FAILURES: '5', BREAKER_COOLDOWN_MS: '600000' } });
    const unknown = UNKNOWN_SKUS[0];
    for (let i = 0; i < 50; i += 1)
      expect((await errorOf(pageOf(bff, unknown))).data).toMatchObject({
        code: 'NOT_FOUND',
        appCode: 'PRODUCT_NOT_FOUND',
      });
    expect((await pageOf(bff)).product.sku).toBe('000123');
    expect(bff.sandbox.calls.snapshot()['erp GetProduct']).toBe(51);
  });

  it('degrades reviews at once, without calling a hanging reviews service, once its breaker is open', async () => {
    const bff = await bffs.start({
      env: { BREAKER_FAILURES: '2', BREAKER_COOLDOWN_MS: '600000', PART_TIMEOUT_MS: '300' },
    });
    bff.sandbox.faults.inject('reviews', { kind: 'hang' });
    for (let i = 0; i < 2; i += 1) expect((await pageOf(bff)).degraded).toEqual(['reviews']);
    bff.sandbox.calls.reset();
    for (let i = 0; i < 5; i += 1) {
      const page = await pageOf(bff);
      expect(page.degraded).toEqual(['reviews']);
      expect(page.availability?.inStock).toBe(true);
    }
    expect(bff.sandbox.calls.snapshot()['reviews getReviews']).toBeUndefined();
  });
});

describe('bulkheads', () => {
  const bffs = useExtraBffs();

  it('fails call number UPSTREAM_MAX_CONCURRENCY + UPSTREAM_MAX_QUEUE + 1 to a held upstream at once', async () => {
    // Budgets far beyond the test's own: the held calls stay held until the test releases them,
    // however slow the machine.
    const bff = await bffs.start({
      env: {
        UPSTREAM_MAX_CONCURRENCY: '2',
        UPSTREAM_MAX_QUEUE: '3',
        PART_TIMEOUT_MS: '300000',
        UPSTREAM_TIMEOUT_MS: '300000',
      },
    });
    // Every upstream has the same bulkhead: the held pages' own calls to the others (the ERP,
    // pricing, recommendations) must be over before the sixth page comes, or its stock or product
    // meets a full ERP bulkhead. What one page makes of them, counted on a page before any is held:
    const finishedBesidesReviews = async () =>
      (await total(bff, 'bff_upstream_calls_total')) -
      (await total(bff, 'bff_upstream_calls_total', { upstream: 'reviews' }));
    await pageOf(bff);
    const perPage = await finishedBesidesReviews();
    bff.sandbox.calls.reset();
    const reviews = holdFault();
    bff.sandbox.faults.inject('reviews', reviews.fault);
    // One page at a time, the next once the last one's other calls are over: its reviews call then
    // holds a turn (two) or waits for one (three).
    let settled = 0;
    const held: Promise<string[]>[] = [];
    for (let page = 1; page <= 5; page += 1) {
      held.push(
        pageOf(bff)
          .then(
            (answer) => answer.degraded,
            (error: unknown) => [String(error)],
          )
          .finally(() => {
            settled += 1;
          }),
      );
      await expect.poll(finishedBesidesReviews).toBe(perPage * (page + 1));
    }
    expect(bff.sandbox.calls.inFlight('reviews')).toBe(2);
    const sixth = await pageOf(bff);
    expect(sixth.degraded).toEqual(['reviews']);
    // At once: refused by the bulkhead (`unavailable`), not timed out, while the five are held.
    expect(logLines(bff, 'warn', 'part degraded')).toEqual([
      expect.objectContaining({ part: 'reviews', upstream: 'reviews', kind: 'unavailable' }),
    ]);
    expect(settled).toBe(0);
    expect(bff.sandbox.calls.inFlight('reviews')).toBe(2);
    expect(bff.sandbox.calls.snapshot()['reviews getReviews']).toBe(2);
    // Released, the two held calls answer and the three that waited get their turns.
    reviews.release();
    expect(await Promise.all(held)).toEqual([[], [], [], [], []]);
    expect(bff.sandbox.calls.snapshot()['reviews getReviews']).toBe(5);
  });
});

describe('the retry budget', () => {
  const bffs = useExtraBffs();

  it('retries reads that meet a 503 only while retries stay within RETRY_BUDGET_RATIO of the calls', async () => {
    const bff = await bffs.start({
      env: { RETRY_BUDGET_RATIO: '0.1', BREAKER_FAILURES: '100000' },
    });
    bff.sandbox.faults.inject('pricing', { kind: 'status', status: 503 });
    for (let i = 0; i < 60; i += 1) expect((await pageOf(bff)).degraded).toContain('price');
    const calls = bff.sandbox.calls.snapshot()['pricing getPrices'] ?? 0;
    // Two price look-ups a page (its SKU, its recommendations): 120 calls, and at most a tenth more.
    expect(calls).toBeGreaterThan(120);
    expect(calls).toBeLessThanOrEqual(132);
  });

  it('never retries a write: a cart change that meets a 503 is sent once', async () => {
    const bff = await bffs.start({ env: { RETRY_BUDGET_RATIO: '1', BREAKER_FAILURES: '100000' } });
    const ann = signedIn(bff, 'ann');
    for (let i = 0; i < 10; i += 1) await ann.cart.get.query({});
    bff.sandbox.faults.inject(
      'cart',
      { kind: 'status', status: 503 },
      { operation: 'setCartItem' },
    );
    bff.sandbox.calls.reset();
    expect((await errorOf(ann.cart.setItem.mutate({ sku: '000123', quantity: 1 }))).data.code).toBe(
      'BAD_GATEWAY',
    );
    expect(bff.sandbox.calls.snapshot()['cart setCartItem']).toBe(1);
  });
});
