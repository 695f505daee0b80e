import { describe, expect, it } from 'vitest';
import { createStorefrontClient } from '@storefront/client';
import { startBff, useBff } from './helpers/bff.js';

describe('the BFF host', () => {
  const bff = useBff();

  it('answers /healthz and /readyz', async () => {
    const health = await fetch(`${bff().url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${bff().url}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('answers 404 outside /trpc and for unknown procedures', async () => {
    expect((await fetch(`${bff().url}/admin`)).status).toBe(404);
    expect((await fetch(`${bff().url}/trpc/product.nope`)).status).toBe(404);
  });

  it('echoes a well-formed X-Request-Id and makes one up otherwise', async () => {
    const given = await fetch(`${bff().url}/healthz`, { headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const made = await fetch(`${bff().url}/healthz`, {
      headers: { 'x-request-id': 'bad id\twith spaces' },
    });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('speaks the tRPC wire format with superjson, so curl works', async () => {
    const input = encodeURIComponent(JSON.stringify({ json: { sku: '000123' } }));
    const response = await fetch(`${bff().url}/trpc/product.page?input=${input}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      result: {
        data: {
          json: { product: { updatedAt: string } };
          meta: { values: Record<string, string[]> };
        };
      };
    };
    expect(body.result.data.json.product.updatedAt).toBe('2026-10-01T12:00:00.000Z');
    expect(body.result.data.meta.values['product.updatedAt']).toEqual(['Date']);
  });

  it('answers a batch whole (one JSON array) unless the client asks for it streamed, line by line', async () => {
    const input = encodeURIComponent(JSON.stringify({ 0: { json: { sku: '000123' } } }));
    const whole = await fetch(`${bff().url}/trpc/product.page?batch=1&input=${input}`);
    const answer: unknown = await whole.json();
    expect(Array.isArray(answer) && answer.length === 1).toBe(true);
    const streamed = await fetch(`${bff().url}/trpc/product.page?batch=1&input=${input}`, {
      headers: { 'trpc-accept': 'application/jsonl' },
    });
    expect(streamed.headers.get('transfer-encoding')).toBe('chunked');
    expect(streamed.headers.get('content-length')).toBeNull();
    const lines = (await streamed.text()).trim().split('\n');
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.join('')).toContain('Trail Runner 2 & Co');
  });

  it('batches calls of the typed client into one HTTP request', async () => {
    let requests = 0;
    const client = createStorefrontClient({
      url: `${bff().url}/trpc`,
      fetch: (input, init) => {
        requests += 1;
        return fetch(input, init);
      },
    });
    const [page, rates, search] = await Promise.all([
      client.product.page.query({ sku: '123' }),
      client.fx.rates.query(),
      client.product.search.query({ query: 'mat' }),
    ]);
    expect(page.product.name).toBe('Yoga Mat Pro');
    expect(rates.base).toBe('EUR');
    expect(search.items.map((i) => i.sku)).toContain('123');
    expect(requests).toBe(1);
  });

  it('says it is not ready once it is closing', async () => {
    const other = await startBff();
    await other.app.close();
    const ready = await fetch(`${other.url}/readyz`);
    expect(ready.status).toBe(503);
    await other.close();
  });
});
