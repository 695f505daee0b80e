import { FIXTURE_SKUS as SKU } from '@storefront/sandbox';
import { describe, expect, it } from 'vitest';
import { useBff } from './helpers/bff.js';

/**
 * Another conforming XML server: the ERP writes a default namespace (no catalog prefix), another
 * envelope prefix and single-quoted attributes; the FX file uses double quotes. The BFF must not
 * care.
 */
describe('a second XML server variant (default namespace, other prefix, other quoting)', () => {
  const bff = useBff({
    sandbox: {
      erpXml: { envelopePrefix: 'soapenv', catalogPrefix: '', quote: "'" },
      fx: { quote: '"' },
    },
  });

  it('serves the same product page as the sandbox', async () => {
    const page = await bff().client.product.page.query({ sku: SKU.example, currency: 'USD' });
    expect(page.product).toMatchObject({
      name: 'Trail Runner 2 & Co',
      description: '<p>Light <b>trail</b> shoe.</p>',
      weightGrams: 350,
      category: { code: '0100' },
    });
    expect(page.price?.current).toEqual({ amount: '141.86', currencyCode: 'USD' });
    expect(page.availability?.quantity).toBe(15);
    expect(page.recommendations.length).toBeGreaterThan(0);
    expect(page.degraded).toEqual([]);
  });

  it('reads quirks, searches and faults the same way', async () => {
    const { client } = bff();
    expect((await client.product.page.query({ sku: SKU.numericReferences })).product.name).toBe(
      'Café Crème ☕ Set',
    );
    expect((await client.product.page.query({ sku: SKU.escapedHtml })).product.attributes).toEqual([
      { name: 'format', value: '<A5> & "dotted"' },
    ]);
    expect((await client.product.page.query({ sku: SKU.extraElements })).product.weightGrams).toBe(
      90,
    );
    const search = await client.product.search.query({ query: 'trail', pageSize: 3 });
    expect(search.items.map((i) => i.sku)).toEqual(['000123', '000124', '000205']);
    await expect(client.product.page.query({ sku: '999999' })).rejects.toMatchObject({
      data: { code: 'NOT_FOUND', appCode: 'PRODUCT_NOT_FOUND' },
    });
  });
});
