import { describe, expect, it } from 'vitest';
import { FIXTURE_PRODUCTS, FIXTURE_SKUS, UNKNOWN_SKUS } from '../../data/fixtures.js';
import type { CatalogProduct } from '../../data/model.js';
import type { Sandbox } from '../../start-sandbox.js';
import { faultOf, soapCall, useSandbox, type SoapAnswer } from '../../testing/helpers.js';
import { childOf, childrenOf, type XmlElement } from '../../xml/read.js';

// Conformance of the simulated ERP with docs/upstreams.md ("ERP catalog"), over real HTTP. Namespaces are
// spelled out as the document gives them, not imported from the implementation.
const NS = 'urn:example:erp:catalog:v1';
const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

const sandbox = useSandbox();

/** XML text for a request (the five predefined entities). */
const xmlText = (text: string): string =>
  text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
const skuList = (skus: readonly string[]): string =>
  skus.map((sku) => `<cat:Sku>${xmlText(sku)}</cat:Sku>`).join('');
const generatedSkus = (count: number): string[] =>
  Array.from({ length: count }, (_, i) => String(100000 + i));

/** Ascending by character code, written out rather than trusting a default sort. */
function byCharCode(a: string, b: string): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const difference = a.charCodeAt(i) - b.charCodeAt(i);
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}

/** A Product element as plain data: a key only for what is there, every text untrimmed. */
function viewOf(product: XmlElement): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  const set = (key: string, value: unknown): void => {
    if (value !== undefined) view[key] = value;
  };
  const child = (name: string): XmlElement | undefined => childOf(product, name, NS);
  const attributes = child('Attributes');
  const images = child('Images');
  const category = child('Category');
  const weight = child('Weight');
  set('sku', product.attributes.sku);
  set('status', product.attributes.status);
  set('name', child('Name')?.text);
  set('description', child('Description')?.text);
  set('brand', child('Brand')?.text);
  set('category', category && { code: category.attributes.code, name: category.text });
  set(
    'attributes',
    attributes &&
      childrenOf(attributes, 'Attribute', NS).map((a) => ({
        name: a.attributes.name,
        value: a.text,
      })),
  );
  set(
    'images',
    images &&
      childrenOf(images, 'Image', NS).map((i) => ({
        role: i.attributes.role,
        href: i.attributes.href,
      })),
  );
  set('weight', weight && { unit: weight.attributes.unit, value: weight.text });
  set('ean', child('Ean')?.text);
  set('updatedAt', child('UpdatedAt')?.text);
  return view;
}

/** What a fixture record must read back as. */
function expectedView(p: CatalogProduct): Record<string, unknown> {
  return {
    sku: p.sku,
    status: p.status,
    name: p.name,
    ...(p.description ? { description: p.description.text } : {}),
    brand: p.brand,
    category: { code: p.category.code, name: p.category.name },
    ...(p.attributes ? { attributes: p.attributes } : {}),
    ...(p.images ? { images: p.images } : {}),
    ...(p.weight ? { weight: p.weight } : {}),
    ...(p.ean === undefined ? {} : { ean: p.ean }),
    updatedAt: p.updatedAt,
  };
}

async function getProduct(
  sku: string,
  sb: Sandbox = sandbox(),
): Promise<{ answer: SoapAnswer; product: XmlElement }> {
  const answer = await soapCall(sb, 'GetProduct', skuList([sku]));
  expect(answer.status).toBe(200);
  expect(answer.contentType).toBe('text/xml; charset=utf-8');
  expect(answer.envelope).toMatchObject({ ns: SOAP_NS, name: 'Envelope' });
  expect(answer.payload).toMatchObject({ ns: NS, name: 'GetProductResponse' });
  const products = childrenOf(answer.payload, 'Product', NS);
  expect(products).toHaveLength(1);
  return { answer, product: products[0]! };
}

async function getProducts(skus: readonly string[]): Promise<XmlElement[]> {
  const answer = await soapCall(sandbox(), 'GetProducts', skuList(skus));
  expect(answer.status).toBe(200);
  expect(answer.payload).toMatchObject({ ns: NS, name: 'GetProductsResponse' });
  return childrenOf(answer.payload, 'Product', NS);
}

interface SearchArgs {
  query?: string;
  category?: string;
  page?: number;
  pageSize?: number;
}

const searchXml = ({ query, category, page = 1, pageSize = 100 }: SearchArgs): string =>
  (query === undefined ? '' : `<cat:Query>${xmlText(query)}</cat:Query>`) +
  (category === undefined ? '' : `<cat:CategoryCode>${xmlText(category)}</cat:CategoryCode>`) +
  `<cat:Page>${String(page)}</cat:Page><cat:PageSize>${String(pageSize)}</cat:PageSize>`;

async function search(
  args: SearchArgs,
  sb: Sandbox = sandbox(),
): Promise<{ attributes: Record<string, string>; products: XmlElement[] }> {
  const answer = await soapCall(sb, 'SearchProducts', searchXml(args));
  expect(answer.status).toBe(200);
  expect(answer.payload).toMatchObject({ ns: NS, name: 'SearchProductsResponse' });
  return {
    attributes: answer.payload.attributes,
    products: childrenOf(answer.payload, 'Product', NS),
  };
}

/** Every SKU a search finds, page by page, and the total it states. */
async function searchAll(
  args: Omit<SearchArgs, 'page' | 'pageSize'>,
): Promise<{ total: number; skus: string[] }> {
  const skus: string[] = [];
  for (let page = 1; ; page++) {
    const { attributes, products } = await search({ ...args, page, pageSize: 100 });
    skus.push(...products.map((p) => p.attributes.sku ?? ''));
    if (products.length < 100) return { total: Number(attributes.total), skus };
  }
}

/** My own computation of a search's answer from the catalog. */
function expectedSearch(match: (p: CatalogProduct) => boolean): string[] {
  return sandbox()
    .store.catalog.ordered.filter(match)
    .map((p) => p.sku)
    .sort(byCharCode);
}

async function getStock(
  skus: readonly string[],
): Promise<{ sku?: string; warehouse?: string; quantity: string }[]> {
  const answer = await soapCall(sandbox(), 'GetStock', skuList(skus));
  expect(answer.status).toBe(200);
  expect(answer.payload).toMatchObject({ ns: NS, name: 'GetStockResponse' });
  return childrenOf(answer.payload, 'Stock', NS).map((row) => ({
    sku: row.attributes.sku,
    warehouse: row.attributes.warehouse,
    quantity: row.text,
  }));
}

function expectClientFault(answer: SoapAnswer, code: string, sku?: string): void {
  expect(answer.status).toBe(500);
  expect(answer.contentType).toBe('text/xml; charset=utf-8');
  expect(answer.payload).toMatchObject({ ns: SOAP_NS, name: 'Fault' });
  const fault = faultOf(answer);
  expect(fault.faultcode.split(':').at(-1)).toBe('Client');
  expect(fault.code).toBe(code);
  if (sku !== undefined) expect(fault.sku).toBe(sku);
}

describe('ERP GetProduct', () => {
  it('answers the document example 000123 with every field', async () => {
    const { answer, product } = await getProduct(FIXTURE_SKUS.example);
    expect(viewOf(product)).toStrictEqual({
      sku: '000123',
      status: 'ACTIVE',
      name: 'Trail Runner 2 & Co',
      description: '<p>Light <b>trail</b> shoe.</p>',
      brand: 'Northwind',
      category: { code: '0100', name: 'Running shoes' },
      attributes: [{ name: 'color', value: 'Red' }],
      images: [{ role: 'main', href: 'https://img.example.test/000123/main.jpg' }],
      weight: { unit: 'g', value: '350' },
      ean: '0012345678905',
      updatedAt: '2026-10-01T12:00:00Z',
    });
    expect(answer.raw).toContain('&amp; Co<');
    expect(answer.raw).toContain('<![CDATA[<p>Light <b>trail</b> shoe.</p>]]>');
  });

  it.each(FIXTURE_PRODUCTS.map((p) => [p.sku, p] as const))(
    'answers fixture %s exactly as its record',
    async (sku, record) => {
      const { product } = await getProduct(sku);
      expect(viewOf(product)).toStrictEqual(expectedView(record));
    },
  );

  it('writes Attributes and Images with zero, one or many children, empty or missing', async () => {
    const many = viewOf((await getProduct(FIXTURE_SKUS.manyChildren)).product);
    expect(many.attributes).toHaveLength(4);
    expect(many.images).toEqual(
      ['side', 'back', 'main', 'detail'].map(
        (role) => expect.objectContaining({ role }) as unknown,
      ),
    );
    const empty = await getProduct(FIXTURE_SKUS.emptyLists);
    expect(empty.answer.raw).toMatch(/<(\w+:)?Attributes\/>/);
    expect(empty.answer.raw).toMatch(/<(\w+:)?Images\/>/);
    expect(viewOf(empty.product)).toMatchObject({ attributes: [], images: [] });
    const minimal = viewOf((await getProduct(FIXTURE_SKUS.minimal)).product);
    expect(Object.keys(minimal).sort()).toEqual([
      'brand',
      'category',
      'name',
      'sku',
      'status',
      'updatedAt',
    ]);
  });

  it('writes weights in kg as decimal text', async () => {
    expect(viewOf((await getProduct(FIXTURE_SKUS.weightKgExact)).product).weight).toStrictEqual({
      unit: 'kg',
      value: '1.005',
    });
    expect(viewOf((await getProduct(FIXTURE_SKUS.weightKg)).product).weight).toStrictEqual({
      unit: 'kg',
      value: '0.35',
    });
  });

  it('keeps names that look like numbers as text, leading zeros included', async () => {
    expect(viewOf((await getProduct(FIXTURE_SKUS.numericName)).product)).toMatchObject({
      sku: '1984',
      name: '1984',
    });
    expect(viewOf((await getProduct(FIXTURE_SKUS.zeroPaddedName)).product)).toMatchObject({
      sku: '0042',
      name: '0042',
      brand: '0042 Prints',
    });
  });

  it('treats 000123 and 123 as different products', async () => {
    const padded = viewOf((await getProduct('000123')).product);
    const plain = viewOf((await getProduct('123')).product);
    expect(padded).toMatchObject({ sku: '000123', name: 'Trail Runner 2 & Co' });
    expect(plain).toMatchObject({ sku: '123', name: 'Yoga Mat Pro' });
  });

  it('escapes an HTML description with entities, so its markup is text', async () => {
    const { answer, product } = await getProduct(FIXTURE_SKUS.escapedHtml);
    expect(answer.raw).toContain('&lt;script&gt;');
    expect(answer.raw).not.toContain('<script>');
    expect(viewOf(product).description).toBe(
      '<p onclick="steal()">Dotted pages</p><script>alert("x")</script> & "quotes" \'too\'',
    );
    expect(viewOf(product).attributes).toStrictEqual([
      { name: 'format', value: '<A5> & "dotted"' },
    ]);
  });

  it('writes non-ASCII as numeric character references that parse to the characters', async () => {
    const { answer, product } = await getProduct(FIXTURE_SKUS.numericReferences);
    expect(answer.raw).toContain('&#233;');
    expect(answer.raw).toContain('&#x2615;');
    expect(viewOf(product)).toMatchObject({
      name: 'Café Crème ☕ Set',
      brand: 'Maison Noël',
      attributes: [{ name: 'pièces', value: 'Tasse & soucoupe' }],
    });
  });

  it('writes plain UTF-8 non-ASCII text', async () => {
    const { answer, product } = await getProduct(FIXTURE_SKUS.nonAscii);
    expect(answer.raw).toContain('日本の茶碗 Café');
    expect(viewOf(product)).toMatchObject({
      name: '日本の茶碗 Café',
      brand: '京都陶器',
      attributes: [{ name: '色', value: '藍色' }],
    });
  });

  it('keeps surrounding whitespace in text', async () => {
    expect(viewOf((await getProduct(FIXTURE_SKUS.whitespace)).product)).toMatchObject({
      name: '\n      Padded   Name  \t',
      brand: '  Spacey Brand ',
      category: { code: ' 1100 ', name: '\tGarden\n' },
      attributes: [{ name: ' colour ', value: '  Green\n' }],
    });
  });

  it('adds unknown elements and attributes in another element order', async () => {
    const { product } = await getProduct(FIXTURE_SKUS.extraElements);
    const names = product.children.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['LegacyCode', 'Internal', 'Audit']));
    expect(names[0]).not.toBe('Name');
    expect(names.indexOf('Name')).toBeGreaterThan(names.indexOf('Brand'));
    expect(product.children.find((c) => c.name === 'Audit')?.ns).toBe('urn:example:audit');
    expect(product.attributes.legacy).toBe('yes');
  });

  it('answers a discontinued product with status DISCONTINUED', async () => {
    expect(viewOf((await getProduct(FIXTURE_SKUS.discontinued)).product)).toMatchObject({
      sku: '000124',
      status: 'DISCONTINUED',
    });
  });

  it('uses namespace prefixes other than the document examples', async () => {
    const { answer } = await getProduct(FIXTURE_SKUS.example);
    expect(answer.raw).not.toMatch(/<\/?(soap|cat|ns1):/);
    expect(answer.raw).toMatch(/<[\w-]+:Product /);
  });
});

describe.each([
  [
    'the catalog namespace as the default namespace',
    { catalogPrefix: '' },
    /<Product sku="000123"/,
  ],
  [
    'single-quoted attributes',
    { quote: "'" as const },
    /<[\w-]+:Product sku='000123' status='ACTIVE'>/,
  ],
])('ERP writing %s', (_label, erpXml, productPattern) => {
  const styled = useSandbox({ erpXml });

  it('answers products that parse to the same data as the default style', async () => {
    const { answer } = await getProduct(FIXTURE_SKUS.example, styled());
    expect(answer.raw).toMatch(productPattern);
    for (const sku of [
      FIXTURE_SKUS.example,
      FIXTURE_SKUS.escapedHtml,
      FIXTURE_SKUS.numericReferences,
      FIXTURE_SKUS.extraElements,
    ]) {
      expect(viewOf((await getProduct(sku, styled())).product)).toStrictEqual(
        viewOf((await getProduct(sku)).product),
      );
    }
  });

  it('answers searches and faults that parse', async () => {
    const { attributes, products } = await search({ query: 'trail', pageSize: 5 }, styled());
    expect(attributes).toStrictEqual((await search({ query: 'trail', pageSize: 5 })).attributes);
    expect(products.map(viewOf)).toStrictEqual(
      (await search({ query: 'trail', pageSize: 5 })).products.map(viewOf),
    );
    expectClientFault(
      await soapCall(styled(), 'GetProduct', skuList(['999999'])),
      'PRODUCT_NOT_FOUND',
      '999999',
    );
  });
});

describe('ERP GetProducts', () => {
  it('answers several full products, the same as GetProduct does', async () => {
    const skus = [FIXTURE_SKUS.example, FIXTURE_SKUS.sameDigits, FIXTURE_SKUS.numericReferences];
    const products = await getProducts(skus);
    expect(products.map((p) => p.attributes.sku).sort()).toEqual([...skus].sort());
    for (const product of products)
      expect(viewOf(product)).toStrictEqual(
        viewOf((await getProduct(product.attributes.sku ?? '')).product),
      );
  });

  it('answers every product of the catalog exactly as its record', async () => {
    const records = sandbox().store.catalog.ordered;
    expect(records).toHaveLength(500);
    for (let i = 0; i < records.length; i += 100) {
      const batch = records.slice(i, i + 100);
      const views = new Map(
        (await getProducts(batch.map((p) => p.sku))).map((p) => [p.attributes.sku, viewOf(p)]),
      );
      for (const record of batch)
        expect(views.get(record.sku), record.sku).toStrictEqual(expectedView(record));
    }
  });

  it('leaves unknown SKUs out instead of faulting', async () => {
    expect((await getProducts([...UNKNOWN_SKUS, '000123'])).map((p) => p.attributes.sku)).toEqual([
      '000123',
    ]);
    expect(await getProducts([...UNKNOWN_SKUS])).toEqual([]);
  });

  it('answers the same products whatever the order asked, and each duplicate at most as often as asked', async () => {
    const forward = await getProducts(['000123', '123', '1984']);
    const backward = await getProducts(['1984', '123', '000123']);
    expect(forward.map(viewOf)).toEqual(expect.arrayContaining(backward.map(viewOf)));
    expect(forward).toHaveLength(3);
    const duplicated = (await getProducts(['000123', '000123', '123'])).map(
      (p) => p.attributes.sku,
    );
    expect(new Set(duplicated)).toEqual(new Set(['000123', '123']));
    expect(duplicated.length).toBeLessThanOrEqual(3);
  });

  it('takes 100 SKUs and faults 101 with TOO_MANY_ITEMS', async () => {
    expect(await getProducts(generatedSkus(100))).toHaveLength(100);
    expectClientFault(
      await soapCall(sandbox(), 'GetProducts', skuList(generatedSkus(101))),
      'TOO_MANY_ITEMS',
    );
  });
});

describe('ERP SearchProducts', () => {
  const lower = (text: string): string => text.toLowerCase();

  it('matches a case-insensitive substring of the name or the brand', async () => {
    for (const query of ['TRAIL runner', 'northWIND', 'CAFÉ', 'paper & co']) {
      const expected = expectedSearch(
        (p) => lower(p.name).includes(lower(query)) || lower(p.brand).includes(lower(query)),
      );
      expect(expected.length).toBeGreaterThan(0);
      expect(await searchAll({ query }), query).toStrictEqual({
        total: expected.length,
        skus: expected,
      });
    }
    expect((await searchAll({ query: 'northwind' })).skus).toContain(FIXTURE_SKUS.lowStock); // by brand only
  });

  it('matches everything for an empty or missing Query, ordered by SKU by character code', async () => {
    const all = expectedSearch(() => true);
    expect(all).toHaveLength(500);
    expect(await searchAll({})).toStrictEqual({ total: 500, skus: all });
    expect(await searchAll({ query: '' })).toStrictEqual({ total: 500, skus: all });
    const at = (sku: string): number => all.indexOf(sku);
    expect([
      at('000123'),
      at('0042'),
      at('100000'),
      at('123'),
      at('1984'),
      at(FIXTURE_SKUS.longest),
      at('TR-2-RED'),
    ]).toEqual(
      [
        ...[
          at('000123'),
          at('0042'),
          at('100000'),
          at('123'),
          at('1984'),
          at(FIXTURE_SKUS.longest),
          at('TR-2-RED'),
        ],
      ].sort((a, b) => a - b),
    );
  });

  it('matches CategoryCode exactly, alone and with a Query', async () => {
    expect(await searchAll({ category: '0100' })).toStrictEqual({
      total: expectedSearch((p) => p.category.code === '0100').length,
      skus: expectedSearch((p) => p.category.code === '0100'),
    });
    expect((await searchAll({ category: '010' })).total).toBe(0);
    const both = expectedSearch((p) => p.category.code === '0800' && lower(p.name).includes('pan'));
    expect(await searchAll({ category: '0800', query: 'PAN' })).toStrictEqual({
      total: both.length,
      skus: both,
    });
    expect(both).toContain(FIXTURE_SKUS.weightKgExact);
  });

  it('includes discontinued products', async () => {
    const { products } = await search({ query: 'Trail Runner 1' });
    expect(products.map(viewOf)).toContainEqual(
      expect.objectContaining({ sku: '000124', status: 'DISCONTINUED' }),
    );
  });

  it('answers summary products: sku, status, Name, Brand, Category and only the main image', async () => {
    const { products } = await search({ query: 'Trail Runner 2 &' });
    expect(
      products.find((p) => p.attributes.sku === '000123')?.children.map((c) => c.name),
    ).toEqual(['Name', 'Brand', 'Category', 'Images']);
    const records = new Map(sandbox().store.catalog.ordered.map((p) => [p.sku, p]));
    for (let page = 1; page <= 5; page++) {
      for (const summary of (await search({ page })).products) {
        const { sku, status, name, brand, category, images } = records.get(
          summary.attributes.sku ?? '',
        )!;
        const view = viewOf(summary);
        // A product without a main image may answer an empty or no Images element.
        expect({ ...view, images: view.images ?? [] }, sku).toStrictEqual({
          sku,
          status,
          name,
          brand,
          category,
          images: (images ?? []).filter((i) => i.role === 'main'),
        });
      }
    }
  });

  it('pages, and a page past the end holds no products and the true total', async () => {
    const all = expectedSearch(() => true);
    const second = await search({ page: 2, pageSize: 3 });
    expect(second.attributes).toStrictEqual({ total: '500', page: '2', pageSize: '3' });
    expect(second.products.map((p) => p.attributes.sku)).toEqual(all.slice(3, 6));
    const past = await search({ query: 'trail', page: 50, pageSize: 20 });
    expect(past.products).toEqual([]);
    expect(past.attributes.total).toBe(
      String(
        expectedSearch((p) => lower(p.name).includes('trail') || lower(p.brand).includes('trail'))
          .length,
      ),
    );
  });

  it('takes PageSize 100 and faults PageSize 101 and Page 0', async () => {
    expect((await search({ pageSize: 100 })).products).toHaveLength(100);
    for (const args of [{ pageSize: 101 }, { page: 0 }]) {
      const answer = await soapCall(sandbox(), 'SearchProducts', searchXml(args));
      expectClientFault(
        answer,
        faultOf(answer).code === 'TOO_MANY_ITEMS' ? 'TOO_MANY_ITEMS' : 'INVALID_REQUEST',
      );
    }
  });
});

describe('ERP GetStock', () => {
  it('answers one row per SKU and warehouse', async () => {
    const rows = await getStock(['000123', '000124', '000215']);
    expect(rows).toEqual(
      expect.arrayContaining([
        { sku: '000123', warehouse: 'BER', quantity: '12' },
        { sku: '000123', warehouse: 'HAM', quantity: '3' },
        { sku: '000124', warehouse: 'BER', quantity: '4' },
        { sku: '000215', warehouse: 'BER', quantity: '0' },
        { sku: '000215', warehouse: 'MUC', quantity: '0' },
      ]),
    );
    expect(rows).toHaveLength(5);
  });

  it('answers a SKU asked twice with one row per warehouse', async () => {
    expect(await getStock(['000123', '000123'])).toStrictEqual([
      { sku: '000123', warehouse: 'BER', quantity: '12' },
      { sku: '000123', warehouse: 'HAM', quantity: '3' },
    ]);
  });

  it('answers no rows for a SKU without stock rows and for an unknown SKU', async () => {
    expect(await getStock([FIXTURE_SKUS.noStockRows, '999999'])).toEqual([]);
  });

  it('takes 100 SKUs and faults 101 with TOO_MANY_ITEMS', async () => {
    const skus = generatedSkus(100);
    const expected = skus.flatMap((sku) => sandbox().store.stock.get(sku) ?? []).length;
    expect(await getStock(skus)).toHaveLength(expected);
    expectClientFault(
      await soapCall(sandbox(), 'GetStock', skuList(generatedSkus(101))),
      'TOO_MANY_ITEMS',
    );
  });
});
