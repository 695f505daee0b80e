import { describe, expect, it } from 'vitest';
import { useBff } from '../helpers/bff.js';
import { expectNoLeak, rawRequest } from '../helpers/wire.js';

// OWASP API10:2023, unsafe consumption of APIs: what a backend answers is checked before it is
// used, passed on to another backend, or shown to a client.

const soapProduct = (sku: string, images: string) =>
  '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="urn:example:erp:catalog:v1"><soap:Body>' +
  `<c:SearchProductsResponse total="2" page="1" pageSize="20"><c:Product sku="${sku}" status="ACTIVE"><c:Name>Odd</c:Name><c:Brand>B</c:Brand><c:Category code="0100">Shoes</c:Category><c:Images>${images}</c:Images></c:Product>` +
  '<c:Product sku="000123" status="ACTIVE"><c:Name>Fine</c:Name><c:Brand>B</c:Brand><c:Category code="0100">Shoes</c:Category><c:Images><c:Image role="main" href="javascript:alert(1)"/><c:Image href="https://img.example.test/ok.jpg"/></c:Images></c:Product>' +
  '</c:SearchProductsResponse></soap:Body></soap:Envelope>';

describe('API10: backends are not trusted', () => {
  const bff = useBff();

  it('passes no string an upstream made up to another upstream: an ERP result whose SKU is not a SKU is left out before pricing is asked', async () => {
    const { sandbox } = bff();
    sandbox.faults.inject(
      'erp',
      {
        kind: 'answer',
        status: 200,
        contentType: 'text/xml',
        body: soapProduct('a,b&skus=000124', ''),
      },
      { operation: 'SearchProducts', times: 1 },
    );
    const result = await bff().client.product.search.query({ query: 'odd' });
    expect(result.items.map((item) => item.sku)).toEqual(['000123']);
    expect(sandbox.calls.count('pricing', 'getPrices')).toBe(1);
  });

  it('shows only http(s) image URLs', async () => {
    bff().sandbox.faults.inject(
      'erp',
      {
        kind: 'answer',
        status: 200,
        contentType: 'text/xml',
        body: soapProduct('000124', '<c:Image role="main" href="data:text/html,x"/>'),
      },
      { operation: 'SearchProducts', times: 1 },
    );
    const result = await bff().client.product.search.query({ query: 'odd' });
    expect(result.items.map((item) => item.image)).toEqual([
      null,
      'https://img.example.test/ok.jpg',
    ]);
  });

  it('passes no upstream fault text to a client', async () => {
    const secret = 'ORA-00942 at db-7.internal:1521 password=hunter2';
    bff().sandbox.faults.inject(
      'erp',
      { kind: 'soap-fault', message: secret },
      { operation: 'GetProduct', times: 1 },
    );
    const answer = await rawRequest(
      bff(),
      `/trpc/product.page?input=${encodeURIComponent(JSON.stringify({ json: { sku: '000123' } }))}`,
    );
    expect(answer.status).toBe(502);
    expect(answer.text).not.toContain('ORA-00942');
    expect(answer.text).not.toContain('hunter2');
    expectNoLeak(bff(), answer.text);
  });

  it('leaves recommended strings that are not SKUs out before anything is looked up', async () => {
    const items = [{ sku: '../../admin' }, { sku: '000124' }, { sku: 'a,b' }, { sku: '000123x' }];
    bff().sandbox.faults.inject(
      'recommendations',
      {
        kind: 'answer',
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ items }),
      },
      { times: 1 },
    );
    const page = await bff().client.product.page.query({ sku: '000123' });
    expect(page.degraded).toEqual([]);
    expect(bff().sandbox.calls.count('erp', 'GetProducts')).toBe(1);
  });
});
