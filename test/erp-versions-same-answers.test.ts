import { startSandbox, UNKNOWN_SKUS, type Sandbox } from '@storefront/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, startInstance, type Bff } from './helpers/bff.js';
import { signedIn } from './helpers/shopper.js';

// The promise of the migration: whichever version of the ERP answers (SOAP v1 or JSON v2), a
// frontend sees the same thing. One sandbox (one store), a BFF on each version alone.

let sandbox: Sandbox;
let v1: Bff;
let v2: Bff;

/**
 * Budgets beyond the test's own time: "nothing degraded" is about the answers, and forty pages at
 * once on a busy machine can take longer than the default second for a part.
 */
const OUT_OF_THE_WAY = {
  PART_TIMEOUT_MS: '20000',
  ERP_TIMEOUT_MS: '20000',
  UPSTREAM_TIMEOUT_MS: '20000',
};

beforeAll(async () => {
  sandbox = await startSandbox({ latency: 'none', products: 300 });
  v1 = await startInstance(sandbox, OUT_OF_THE_WAY, 'v1');
  v2 = await startInstance(sandbox, OUT_OF_THE_WAY, 'v2');
});

afterAll(async () => {
  await v1.close();
  await v2.close();
  await sandbox.close();
});

/** v2 knows the image roles `main` and `gallery` only (docs/api.md): the one difference allowed. */
function asV2Shows<T extends { product: { images: { role: string | null; url: string }[] } }>(
  page: T,
): T {
  return {
    ...page,
    product: {
      ...page.product,
      images: page.product.images.map((image) => ({
        ...image,
        role: image.role === 'main' ? 'main' : 'gallery',
      })),
    },
  };
}

/** Runs `ask` for every item, `width` at a time. */
async function inGroups<T, R>(items: readonly T[], width: number, ask: (item: T) => Promise<R>) {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += width)
    results.push(...(await Promise.all(items.slice(i, i + width).map(ask))));
  return results;
}

describe('the same answers from either ERP version', () => {
  it('answers every product page of the sandbox the same (image roles aside), nothing degraded', async () => {
    const skus = [...sandbox.store.catalog.bySku.keys()];
    expect(skus.length).toBe(300);
    const calls = { v1: sandbox.calls.count('erp'), v2: sandbox.calls.count('erp-v2') };
    const [fromV1, fromV2] = await Promise.all([
      inGroups(skus, 20, (sku) => v1.client.product.page.query({ sku, currency: 'JPY' })),
      inGroups(skus, 20, (sku) => v2.client.product.page.query({ sku, currency: 'JPY' })),
    ]);
    // Each BFF asked its own version only.
    expect(sandbox.calls.count('erp')).toBeGreaterThan(calls.v1 + skus.length);
    expect(sandbox.calls.count('erp-v2')).toBeGreaterThan(calls.v2 + skus.length);
    let otherRoles = 0;
    fromV1.forEach((page, i) => {
      const other = fromV2[i];
      expect(page.degraded, skus[i]).toEqual([]);
      expect(other?.degraded, skus[i]).toEqual([]);
      expect(other, skus[i]).toEqual(asV2Shows(page));
      otherRoles += page.product.images.filter((image) => image.role !== 'main').length;
    });
    // The sandbox has images of other roles: the one difference was there to be seen.
    expect(otherRoles).toBeGreaterThan(10);
  });

  it('answers unknown products NOT_FOUND from both', async () => {
    for (const sku of UNKNOWN_SKUS) {
      const [a, b] = await Promise.all([
        errorOf(v1.client.product.page.query({ sku })),
        errorOf(v2.client.product.page.query({ sku })),
      ]);
      expect(a.data).toMatchObject({ code: 'NOT_FOUND', appCode: 'PRODUCT_NOT_FOUND' });
      expect(b.data).toEqual(a.data);
      expect(b.message).toBe(a.message);
    }
  });

  it('answers every search page the same, past the end and by category too', async () => {
    const queries = [
      { pageSize: 50 },
      { query: 'a', pageSize: 7, page: 3 },
      { query: 'TRAIL' },
      { category: '0100', pageSize: 5 },
      { query: 'no such thing at all' },
      { page: 1000 },
    ];
    for (const query of queries) {
      const [a, b] = await Promise.all([
        v1.client.product.search.query(query),
        v2.client.product.search.query(query),
      ]);
      expect(b, JSON.stringify(query)).toEqual(a);
    }
    const first = await v1.client.product.search.query({ pageSize: 50 });
    for (let page = 2; page <= first.totalPages; page += 1) {
      const [a, b] = await Promise.all([
        v1.client.product.search.query({ pageSize: 50, page }),
        v2.client.product.search.query({ pageSize: 50, page }),
      ]);
      expect(b.items).toEqual(a.items);
    }
  });

  it('answers the dashboards and carts of the demo users the same', async () => {
    for (const user of ['ann', 'ben', 'zoe']) {
      const [a, b] = await Promise.all([
        signedIn(v1, user).account.dashboard.query({}),
        signedIn(v2, user).account.dashboard.query({}),
      ]);
      expect(b, user).toEqual(a);
      const [cartA, cartB] = await Promise.all([
        signedIn(v1, user).cart.get.query({}),
        signedIn(v2, user).cart.get.query({}),
      ]);
      expect(cartB, user).toEqual(cartA);
    }
  });
});
