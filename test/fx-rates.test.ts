import { FX_DATE, FX_RATES } from '@storefront/sandbox';
import { describe, expect, it } from 'vitest';
import { startBff, useBff } from './helpers/bff.js';

describe('fx.rates', () => {
  const bff = useBff();

  it('answers the day of the ECB file with every rate per 1 EUR', async () => {
    const rates = await bff().client.fx.rates.query();
    expect(rates.date).toBe(FX_DATE);
    expect(rates.base).toBe('EUR');
    expect(Object.keys(rates.rates).sort()).toEqual(FX_RATES.map((r) => r.currency).sort());
    expect(rates.rates.USD).toBe(1.0921);
    expect(rates.rates.JPY).toBe(162.89);
    expect(rates.rates.EUR).toBeUndefined();
  });

  it('fetches the file once for concurrent and later requests (with the cache on)', async () => {
    const fresh = await startBff({ env: { CACHE_MAX_BYTES: '1000000' } });
    try {
      const { client, sandbox } = fresh;
      await Promise.all([
        client.fx.rates.query(),
        client.product.page.query({ sku: '000123', currency: 'USD' }),
        client.fx.rates.query(),
      ]);
      await client.product.search.query({ currency: 'JPY' });
      expect(sandbox.calls.count('fx')).toBe(1);
    } finally {
      await fresh.close();
    }
  });
});
