import { describe, expect, it } from 'vitest';
import { flush } from '../../testing/promises.js';
import { catalogProduct } from '../../testing/records.js';
import type { ErpClient, ErpRead, OrderOutcome } from '../erp/records.js';
import { withShadow, type ShadowOutcome } from './shadow.js';

/** An ERP that answers from records in memory and counts what it was asked. */
function memoryErp(name: string) {
  const asked: string[] = [];
  const placed: OrderOutcome = {
    placed: true,
    confirmation: {
      orderNo: 'SO-1',
      status: 'ACCEPTED',
      total: { amount: '1.00', currency: 'EUR' },
      estimatedDelivery: null,
    },
  };
  const client: ErpClient = {
    getProduct: (sku) => {
      asked.push(`getProduct ${sku}`);
      return Promise.resolve(catalogProduct(sku, { name: `${name} ${sku}` }));
    },
    getProducts: (skus) => {
      asked.push('getProducts');
      return Promise.resolve(new Map(skus.map((sku) => [sku, catalogProduct(sku)])));
    },
    searchProducts: () => {
      asked.push('searchProducts');
      return Promise.resolve({ total: 0, products: [] });
    },
    getStock: (skus) => {
      asked.push('getStock');
      return Promise.resolve(new Map(skus.map((sku) => [sku, []])));
    },
    placeOrder: () => {
      asked.push('placeOrder');
      return Promise.resolve(placed);
    },
  };
  return { client, asked };
}

function setup(options: { busy?: boolean; random?: () => number } = {}) {
  const primary = memoryErp('v1');
  const other = memoryErp('v2');
  const outcomes: [ErpRead, ShadowOutcome, string[] | undefined][] = [];
  const shadowed = withShadow(primary.client, {
    percent: 100,
    other: other.client,
    busy: () => options.busy ?? false,
    ...(options.random ? { random: options.random } : {}),
    onComparison: (read, outcome, comparison) => {
      outcomes.push([read, outcome, comparison?.described]);
    },
  });
  return { shadowed, primary, other, outcomes };
}

describe('withShadow', () => {
  it("answers with this version's record and compares the other's off the answer's path", async () => {
    const { shadowed, other, outcomes } = setup();
    expect((await shadowed.getProduct('1'))?.name).toBe('v1 1');
    // Not asked yet: the shadow read starts after the answer has been handed back.
    expect(other.asked).toEqual([]);
    await flush();
    await flush();
    expect(other.asked).toEqual(['getProduct 1']);
    expect(outcomes).toEqual([['getProduct', 'mismatch', ['product.name: "v1 1" ≠ "v2 1"']]]);
  });

  it('never sends an order to the other version', async () => {
    const { shadowed, primary, other } = setup();
    await shadowed.placeOrder({
      customerId: 'u',
      lines: [],
      shipTo: { name: 'a', street: 'b', city: 'c', postalCode: 'd', country: 'DE' },
      clientReference: 'r',
    });
    await flush();
    expect(primary.asked).toEqual(['placeOrder']);
    expect(other.asked).toEqual([]);
  });

  it('drops fifteen sampled reads in sixteen while the process is busy, without asking the other version', async () => {
    // A random sequence that takes every read into the sample, then spreads the busy draws evenly.
    let draw = 0;
    const random = () => {
      draw += 1;
      return draw % 2 === 1 ? 0 : ((draw / 2) % 16) / 16;
    };
    const { shadowed, other, outcomes } = setup({ busy: true, random });
    for (let i = 0; i < 32; i += 1) await shadowed.getStock([String(i)]);
    await flush();
    await flush();
    expect(outcomes.filter(([, outcome]) => outcome === 'dropped')).toHaveLength(30);
    expect(outcomes.filter(([, outcome]) => outcome === 'match')).toHaveLength(2);
    expect(other.asked).toHaveLength(2);
  });
});
