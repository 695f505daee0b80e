import { holdFault, productJson } from '@storefront/sandbox';
import { BREAKER } from '@storefront/server';
import { describe, expect, it } from 'vitest';
import { logLines, type Bff } from './helpers/bff.js';
import { CACHE_ON, SHIP_TO } from './helpers/cache.js';
import {
  callersOnEachVersion,
  erpVersionsOf,
  pageAs,
  pagePath,
  servedBy,
} from './helpers/erp-versions.js';
import { sample } from './helpers/metrics.js';
import { freshShopper, newReference } from './helpers/shopper.js';
import { rawRequest, sendTogether, useExtraBffs } from './helpers/wire.js';

// Shadow reads: a share of the ERP reads of one version also go to the other, off the answer's
// path, and the two answers (as records) are compared field by field.

const SHADOW_ALL = { ERP_SHADOW_PERCENT: '100' };

const comparisons = (bff: Bff, operation: string, outcome: string) =>
  sample(bff, 'bff_shadow_comparisons_total', { upstream: 'erp', operation, outcome });

/** The mismatch log lines so far, parsed. */
const mismatches = (bff: Bff) =>
  logLines(bff, 'warn', 'shadow mismatch') as unknown as {
    operation: string;
    served: string;
    shadow: string;
    skus: string[];
    differences: string[];
  }[];

describe('shadow reads', () => {
  const bffs = useExtraBffs();

  it('compares every read of a page with the other version and counts the matches, in both directions', async () => {
    for (const [percent, served, shadow] of [
      ['0', 'erp', 'erp-v2'],
      ['100', 'erp-v2', 'erp'],
    ] as const) {
      const bff = await bffs.start({
        erp: 'both',
        env: { ...SHADOW_ALL, ERP_V2_PERCENT: percent },
      });
      const answer = await rawRequest(bff, pagePath('000123'));
      expect(answer.status).toBe(200);
      // Served by one version; the shadow's time is not the answer's.
      expect(erpVersionsOf(answer)).toEqual([served === 'erp' ? 'v1' : 'v2']);
      for (const operation of ['GetProduct', 'GetStock', 'GetProducts'])
        await expect.poll(() => comparisons(bff, operation, 'match')).toBe(1);
      // Shadow calls count as that version's upstream calls.
      expect(
        await sample(bff, 'bff_upstream_calls_total', {
          upstream: shadow,
          operation: 'GetProduct',
          outcome: 'ok',
        }),
      ).toBe(1);
      expect(await comparisons(bff, 'GetProduct', 'mismatch')).toBe(0);
      expect(mismatches(bff)).toEqual([]);
    }
  });

  it("reports a title v2 answers differently as a mismatch naming the field and both values, while the answer stays v1's", async () => {
    const bff = await bffs.start({ erp: 'both', env: SHADOW_ALL });
    const product = bff.sandbox.store.catalog.bySku.get('000123');
    if (!product) throw new Error('no 000123');
    bff.sandbox.faults.inject(
      'erp-v2',
      {
        kind: 'answer',
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ ...productJson(product), title: 'Trail Runner 3' }),
      },
      { operation: 'getProduct' },
    );
    const page = await bff.client.product.page.query({ sku: '000123' });
    expect(page.product.name).toBe('Trail Runner 2 & Co');
    await expect.poll(() => comparisons(bff, 'GetProduct', 'mismatch')).toBe(1);
    expect(mismatches(bff)).toEqual([
      expect.objectContaining({
        operation: 'GetProduct',
        served: 'v1',
        shadow: 'v2',
        skus: ['000123'],
        differences: ['product.name: "Trail Runner 2 & Co" ≠ "Trail Runner 3"'],
      }),
    ]);
  });

  it('reports a stock row v2 answers differently (on hand without the reserved units) by SKU and warehouse', async () => {
    const bff = await bffs.start({ erp: 'both', env: SHADOW_ALL });
    bff.sandbox.faults.inject(
      'erp-v2',
      {
        kind: 'answer',
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({
          levels: [
            { sku: '000123', warehouse: 'BER', onHand: 14, reserved: 0 },
            { sku: '000123', warehouse: 'HAM', onHand: 3, reserved: 0 },
          ],
        }),
      },
      { operation: 'getStock' },
    );
    const page = await bff.client.product.page.query({ sku: '000123' });
    expect(page.availability).toEqual({
      inStock: true,
      quantity: 15,
      warehouses: [
        { code: 'BER', quantity: 12 },
        { code: 'HAM', quantity: 3 },
      ],
    });
    await expect.poll(() => comparisons(bff, 'GetStock', 'mismatch')).toBe(1);
    const [line] = mismatches(bff);
    expect(line).toMatchObject({ operation: 'GetStock', skus: ['000123'] });
    expect(line?.differences.sort()).toEqual([
      'availability[000123].quantity: 15 ≠ 17',
      'availability[000123].warehouses.BER: 12 ≠ 14',
    ]);
  });

  it('never delays a page: with every v2 call held, pages answer at once and the shadow bulkhead drops what does not fit', async () => {
    const bff = await bffs.start({
      erp: 'both',
      env: { ...SHADOW_ALL, ERP_SHADOW_MAX_CONCURRENCY: '3' },
    });
    // v2 as slow as can be: nothing it is asked is answered until the test says so.
    const hold = holdFault();
    bff.sandbox.faults.inject('erp-v2', hold.fault);
    const skus = ['000123', '000202', '000205', '000207', '000210', '1984', '0042', '000219'];
    const pages = await sendTogether(
      bff,
      skus.map((sku) => ({ path: pagePath(sku) })),
    );
    for (const page of pages) {
      expect(page.status).toBe(200);
      expect(page.text).toContain('"degraded":[]');
      expect(erpVersionsOf(page)).toEqual(['v1']);
    }
    // All answered while the shadow calls were still held, no more than the bulkhead's 3.
    await expect.poll(() => bff.sandbox.calls.inFlight('erp-v2')).toBe(3);
    const reads = async () => {
      let total = 0;
      for (const operation of ['GetProduct', 'GetStock', 'GetProducts'])
        for (const outcome of ['match', 'mismatch', 'error', 'dropped'])
          total += await comparisons(bff, operation, outcome);
      return total;
    };
    expect(
      await sample(bff, 'bff_shadow_comparisons_total', { outcome: 'dropped' }),
    ).toBeGreaterThan(0);
    hold.release();
    await expect.poll(() => bff.sandbox.calls.inFlight('erp-v2')).toBe(0);
    // Every read v1 answered had its shadow read accounted for: 3 compared, the others dropped (never queued).
    let sent = 0;
    for (const operation of ['GetProduct', 'GetStock', 'GetProducts'])
      sent += await sample(bff, 'bff_upstream_calls_total', {
        upstream: 'erp',
        operation,
        outcome: 'ok',
      });
    await expect.poll(reads).toBe(sent);
    expect(bff.sandbox.calls.count('erp-v2')).toBe(3);
  });

  it('never sends an order to the shadow, whichever version places it', async () => {
    for (const percent of ['0', '100']) {
      const bff = await bffs.start({
        erp: 'both',
        env: { ...SHADOW_ALL, ERP_V2_PERCENT: percent },
      });
      const shopper = await freshShopper(bff);
      await shopper.client.cart.setItem.mutate({ sku: '000219', quantity: 1 });
      const placed = await shopper.client.orders.place.mutate({
        shipTo: SHIP_TO,
        clientReference: newReference(),
      });
      expect(placed.status).toBe('ACCEPTED');
      // A read after it, and its comparison: whatever the shadow would do with the order is done.
      await bff.client.product.page.query({ sku: '000219' });
      await expect.poll(() => comparisons(bff, 'GetProduct', 'match')).toBe(1);
      const placedVia = {
        v1: bff.sandbox.calls.count('erp', 'PlaceOrder'),
        v2: bff.sandbox.calls.count('erp-v2', 'placeOrder'),
      };
      expect(placedVia).toEqual(percent === '0' ? { v1: 1, v2: 0 } : { v1: 0, v2: 1 });
      expect(
        bff.sandbox.store.placedOrders.filter((o) => o.customerId === shopper.userId),
      ).toHaveLength(1);
    }
  });

  it("opens a breaker of its own when the shadow version fails, leaving that version's own breaker closed", async () => {
    const bff = await bffs.start({
      erp: 'both',
      env: { ...SHADOW_ALL, BREAKER_FAILURES: '2', BREAKER_COOLDOWN_MS: '600000' },
    });
    bff.sandbox.faults.inject('erp-v2', { kind: 'status', status: 503 });
    const errors = () =>
      sample(bff, 'bff_shadow_comparisons_total', { operation: 'GetProduct', outcome: 'error' });
    expect((await bff.client.product.page.query({ sku: '000123' })).degraded).toEqual([]);
    await expect
      .poll(() => logLines(bff, 'warn', 'shadow circuit breaker opened'))
      .toEqual([expect.objectContaining({ upstream: 'erp-v2' })]);
    await expect.poll(errors).toBe(1);
    // Open: later shadow reads fail at once, without reaching v2; the pages do not notice.
    const reached = bff.sandbox.calls.count('erp-v2');
    for (const sku of ['000124', '000202'])
      expect((await bff.client.product.page.query({ sku })).degraded).toEqual([]);
    await expect.poll(errors).toBe(3);
    expect(bff.sandbox.calls.count('erp-v2')).toBe(reached);
    expect(bff.app.guards.get('erp-v2')?.breakerState()).toBe(BREAKER.closed);
    // The metric's documented value for closed.
    expect(await sample(bff, 'bff_breaker_state', { upstream: 'erp-v2' })).toBe(0);
  });

  it("caches nothing a shadow read brought back: a v2 caller after a v1 caller's page still asks v2", async () => {
    const bff = await bffs.start({
      erp: 'both',
      env: { ...SHADOW_ALL, ...CACHE_ON, ERP_V2_PERCENT: '50', TRUSTED_PROXIES: '127.0.0.1' },
    });
    const callers = await callersOnEachVersion(bff);
    expect(servedBy(await pageAs(bff, callers.v1, '000207'))).toBe('v1');
    await expect.poll(() => comparisons(bff, 'GetProduct', 'match')).toBe(1);
    expect(bff.sandbox.calls.count('erp-v2', 'getProduct')).toBe(1);
    // Not from the v1 caller's kept answer or cache entry, not from the shadow's answer: v2 itself.
    expect(servedBy(await pageAs(bff, callers.v2, '000207'))).toBe('v2');
    expect(bff.sandbox.calls.count('erp-v2', 'getProduct')).toBe(2);
    // Each version's own cache answers its own callers next time.
    const again = await pageAs(bff, callers.v2, '000207');
    expect(again.headers.get('server-timing')).toBe('cache;desc="hit"');
    expect(bff.sandbox.calls.count('erp-v2', 'getProduct')).toBe(2);
  });
});
