import { type Fault } from '@storefront/sandbox';
import { describe, expect, it } from 'vitest';
import { errorOf, type Bff } from './helpers/bff.js';
import { SHIP_TO } from './helpers/cache.js';
import { erpVersionsOf, pagePath, problemAnswer } from './helpers/erp-versions.js';
import { sample } from './helpers/metrics.js';
import { freshShopper, newReference, signedIn, storedCart } from './helpers/shopper.js';
import { rawRequest, useExtraBffs } from './helpers/wire.js';

// Fallback: a read whose ERP version fails in a way that may pass goes once to the other version,
// within the same budget. Refusals are answers; orders never go to the other version.

const ALL_ON_V2 = { ERP_V2_PERCENT: '100' };

/** v2's GetProduct calls that failed at once, never sent (breaker open, bulkhead full, Retry-After hold). */
const refusedAtOnce = (bff: Bff) =>
  sample(bff, 'bff_upstream_calls_total', {
    upstream: 'erp-v2',
    operation: 'GetProduct',
    outcome: 'unavailable',
  });

const fallbacks = (bff: Bff, from: string, to: string) =>
  sample(bff, 'bff_upstream_fallbacks_total', { upstream: 'erp', from, to });

describe('fallback to the other ERP version', () => {
  const bffs = useExtraBffs();

  it('answers every page from v1 when v2 is down at 100 %', async () => {
    // Nothing listens at port 1: every v2 call is a refused connection.
    const bff = await bffs.start({
      erp: 'both',
      env: { ...ALL_ON_V2, ERP_V2_URL: 'http://127.0.0.1:1' },
    });
    for (const sku of ['000123', '000202', '000205']) {
      const page = await bff.client.product.page.query({ sku });
      expect(page.product.sku).toBe(sku);
      expect(page.degraded).toEqual([]);
    }
    const answer = await rawRequest(bff, pagePath('000207'));
    expect(answer.status).toBe(200);
    // v2 was tried (and failed), v1 answered.
    expect(erpVersionsOf(answer)).toEqual(['v1', 'v2']);
    expect((await bff.client.product.search.query({ query: 'trail' })).total).toBeGreaterThan(0);
    expect((await signedIn(bff, 'ann').account.dashboard.query({})).degraded).toEqual([]);
    expect(await fallbacks(bff, 'v2', 'v1')).toBeGreaterThanOrEqual(12);
    expect(await fallbacks(bff, 'v1', 'v2')).toBe(0);
  });

  it('goes straight to v1 once the breaker of a failing v2 is open', async () => {
    const bff = await bffs.start({
      erp: 'both',
      env: { ...ALL_ON_V2, BREAKER_FAILURES: '3', BREAKER_COOLDOWN_MS: '600000' },
    });
    bff.sandbox.faults.inject('erp-v2', { kind: 'status', status: 503 });
    for (const sku of ['000123', '000124']) {
      const page = await bff.client.product.page.query({ sku });
      expect(page.degraded).toEqual([]);
    }
    await expect.poll(() => sample(bff, 'bff_breaker_state', { upstream: 'erp-v2' })).toBe(2);
    const reached = bff.sandbox.calls.count('erp-v2');
    for (const sku of ['000202', '000205', '000207'])
      expect((await bff.client.product.page.query({ sku })).product.sku).toBe(sku);
    expect(bff.sandbox.calls.count('erp-v2')).toBe(reached);
    expect(await refusedAtOnce(bff)).toBeGreaterThanOrEqual(3);
  });

  it('sends a v1 read that fails (5xx, soap:Server fault, malformed answer, reset) to v2 once', async () => {
    const bff = await bffs.start({ erp: 'both' });
    const faults: Fault[] = [
      { kind: 'status', status: 502 },
      { kind: 'soap-fault' },
      { kind: 'malformed' },
      { kind: 'reset' },
    ];
    for (const [i, fault] of faults.entries()) {
      bff.sandbox.faults.inject('erp', fault, { operation: 'GetProduct', times: 1 });
      const page = await bff.client.product.page.query({ sku: '000123' });
      expect(page.product.name, fault.kind).toBe('Trail Runner 2 & Co');
      expect(bff.sandbox.calls.count('erp-v2', 'getProduct'), fault.kind).toBe(i + 1);
    }
    expect(await fallbacks(bff, 'v1', 'v2')).toBe(faults.length);
  });

  it('leaves time for the other version when one hangs: the first gets half of the budget', async () => {
    const bff = await bffs.start({ erp: 'both', env: { ...ALL_ON_V2, ERP_TIMEOUT_MS: '1000' } });
    bff.sandbox.faults.inject('erp-v2', { kind: 'hang' }, { operation: 'getProduct' });
    const page = await bff.client.product.page.query({ sku: '000123' });
    expect(page.product.name).toBe('Trail Runner 2 & Co');
    expect(page.degraded).toEqual([]);
    expect(await fallbacks(bff, 'v2', 'v1')).toBe(1);
    expect(bff.sandbox.calls.count('erp', 'GetProduct')).toBe(1);
  });

  it('takes a refusal as the answer: an unknown SKU is NOT_FOUND without asking the other version', async () => {
    const bff = await bffs.start({ erp: 'both', env: ALL_ON_V2 });
    const { data } = await errorOf(bff.client.product.page.query({ sku: '999999' }));
    expect(data).toMatchObject({ code: 'NOT_FOUND', appCode: 'PRODUCT_NOT_FOUND' });
    expect(bff.sandbox.calls.count('erp')).toBe(0);
    expect(await fallbacks(bff, 'v2', 'v1')).toBe(0);
  });

  it('does not fall back when v2 rejects our key: that fails the same way every time', async () => {
    const bff = await bffs.start({ erp: 'both', env: { ...ALL_ON_V2, ERP_V2_API_KEY: 'wrong' } });
    const { data } = await errorOf(bff.client.product.page.query({ sku: '000123' }));
    expect(data).toMatchObject({ code: 'BAD_GATEWAY', appCode: 'UPSTREAM_UNAVAILABLE' });
    expect(bff.sandbox.calls.count('erp', 'GetProduct')).toBe(0);
  });

  it('never places an order through the other version after a failure, and leaves the cart', async () => {
    const bff = await bffs.start({ erp: 'both', env: ALL_ON_V2 });
    const shopper = await freshShopper(bff);
    await shopper.client.cart.setItem.mutate({ sku: '000219', quantity: 1 });
    bff.sandbox.faults.inject(
      'erp-v2',
      { kind: 'status', status: 503 },
      { operation: 'placeOrder' },
    );
    const { data } = await errorOf(
      shopper.client.orders.place.mutate({ shipTo: SHIP_TO, clientReference: newReference() }),
    );
    expect(data).toMatchObject({ code: 'BAD_GATEWAY', appCode: 'UPSTREAM_UNAVAILABLE' });
    expect(bff.sandbox.calls.count('erp', 'PlaceOrder')).toBe(0);
    expect(storedCart(bff, shopper.userId)).toEqual([{ sku: '000219', quantity: 1 }]);
  });

  it("respects v2's 429: its Retry-After holds v2's later calls, which go to v1 meanwhile", async () => {
    const bff = await bffs.start({ erp: 'both', env: ALL_ON_V2 });
    bff.sandbox.faults.inject(
      'erp-v2',
      { kind: 'status', status: 429, retryAfterSeconds: 60 },
      { operation: 'getProduct', times: 1 },
    );
    expect((await bff.client.product.page.query({ sku: '000123' })).degraded).toEqual([]);
    const reached = bff.sandbox.calls.count('erp-v2');
    for (const sku of ['000202', '000205'])
      expect((await bff.client.product.page.query({ sku })).degraded).toEqual([]);
    expect(bff.sandbox.calls.count('erp-v2')).toBe(reached);
    expect(await refusedAtOnce(bff)).toBe(2);
    expect(await fallbacks(bff, 'v2', 'v1')).toBeGreaterThanOrEqual(3);
  });

  it("answers from v2 alone once SOAP is switched off, and its failures are the ERP's", async () => {
    const bff = await bffs.start({ erp: 'v2', env: { BREAKER_FAILURES: '1000' } });
    expect((await bff.client.product.page.query({ sku: '000123' })).product.weightGrams).toBe(350);
    bff.sandbox.faults.inject('erp-v2', problemAnswer(503, 'about:blank'), {
      operation: 'getProduct',
      times: 1,
    });
    expect((await errorOf(bff.client.product.page.query({ sku: '000123' }))).data).toMatchObject({
      code: 'BAD_GATEWAY',
      appCode: 'UPSTREAM_UNAVAILABLE',
    });
    expect(await fallbacks(bff, 'v2', 'v1')).toBe(0);
  });
});
