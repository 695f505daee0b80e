import { describe, expect, it } from 'vitest';
import { useBff } from './helpers/bff.js';
import { coldSku, pageInput, priced } from './helpers/cache.js';
import { rawRequest, sendTogether } from './helpers/wire.js';

// Concurrent product pages share their public look-ups (stock, prices, catalog records): the
// keys asked within one turn of the event loop go upstream as one call.

const pagePath = (sku: string) => `/trpc/product.page?input=${pageInput(sku)}`;

/** The page's data without what changes between two reads (nothing here does, with the cache off). */
const dataOf = (body: unknown): unknown => (body as { result: { data: unknown } }).result.data;

describe('look-ups merged across requests', () => {
  // Budgets beyond the test's own run time: it compares answers, and a part that ran out of time on
  // a busy machine (degraded when alone, whole when merged) would differ for no reason of merging.
  const bff = useBff({
    env: { PART_TIMEOUT_MS: '30000', ERP_TIMEOUT_MS: '30000', UPSTREAM_TIMEOUT_MS: '30000' },
  });
  /** Eight active, priced SKUs. */
  const skus = (): string[] => Array.from({ length: 8 }, () => coldSku(bff(), priced(bff())));

  it('answers concurrent product pages with one stock call and fewer prices calls, each page as it is alone', async () => {
    const SKUS = skus();
    const alone = new Map<string, unknown>();
    for (const sku of SKUS) {
      const answer = await rawRequest(bff(), pagePath(sku));
      expect(answer.status).toBe(200);
      expect((dataOf(answer.body) as { json: { degraded: string[] } }).json.degraded).toEqual([]);
      alone.set(sku, dataOf(answer.body));
    }
    const calls = bff().sandbox.calls;
    expect(calls.count('erp', 'GetStock')).toBe(SKUS.length);
    calls.reset();

    const answers = await sendTogether(
      bff(),
      SKUS.map((sku) => ({ path: pagePath(sku), headers: { 'x-request-id': `merged-${sku}` } })),
    );

    for (const [index, sku] of SKUS.entries()) {
      const answer = answers[index];
      expect(answer?.status).toBe(200);
      expect(dataOf(answer?.body), sku).toEqual(alone.get(sku));
      // Every page used the merged calls: its Server-Timing names them.
      const timing = answer?.headers.get('server-timing') ?? '';
      for (const upstream of ['erp', 'pricing', 'reviews', 'recommendations'])
        expect(timing, sku).toContain(`${upstream};dur=`);
    }
    // Alone, eight pages made 8 GetStock and 16 prices calls; together, fewer.
    expect(calls.count('erp', 'GetStock')).toBeLessThanOrEqual(2);
    expect(calls.count('pricing', 'getPrices')).toBeLessThan(SKUS.length * 2);
    // Calls that are not look-ups by many SKUs are made per page, as before.
    expect(calls.count('erp', 'GetProduct')).toBe(SKUS.length);
    expect(calls.count('reviews')).toBe(SKUS.length);
    // A merged call carries the request id of one of the requests it served.
    const stock = calls.recent().filter((call) => call.operation === 'GetStock');
    for (const call of stock) expect(SKUS.map((sku) => `merged-${sku}`)).toContain(call.requestId);
  });

  it('fails only the optional part of every page a merged call served when it fails', async () => {
    const SKUS = skus();
    bff().sandbox.faults.inject('pricing', { kind: 'status', status: 503 }, { times: 1 });
    const answers = await sendTogether(
      bff(),
      SKUS.slice(0, 4).map((sku) => ({ path: pagePath(sku) })),
    );
    const degraded = answers.map(
      (answer) => (dataOf(answer.body) as { json: { degraded: string[] } }).json.degraded,
    );
    for (const answer of answers) expect(answer.status).toBe(200);
    // The one failed prices call served more than one page: each shows that part degraded.
    expect(degraded.filter((parts) => parts.includes('price')).length).toBeGreaterThan(1);
  });
});
