import { TRPCClientError, type AppRouter } from '@storefront/client';
import { describe, expect, it } from 'vitest';
import { errorOf, getQuery, useBff } from './helpers/bff.js';
import { signedIn } from './helpers/shopper.js';
import { batchPath, rawRequest, wireError } from './helpers/wire.js';

const MAX_BODY_BYTES = 4_096;

/** The tRPC error of a batch answer: one error for the whole batch, or the first item's. */
function batchError(body: unknown): { message: string; data: Record<string, unknown> } | undefined {
  return wireError(Array.isArray(body) ? (body as unknown[])[0] : body);
}

describe('invalid input', () => {
  const bff = useBff({ env: { MAX_BODY_BYTES: String(MAX_BODY_BYTES) } });

  /** Asserts a BAD_REQUEST with appCode null on the wire, and that no upstream was asked anything. */
  async function expectRefusedBeforeUpstreams(path: string, input: unknown): Promise<void> {
    const raw = await getQuery(bff(), path, input);
    expect(raw.status).toBe(400);
    expect(wireError(raw.body)?.data).toMatchObject({ code: 'BAD_REQUEST', appCode: null });
    expect(bff().sandbox.calls.snapshot()).toEqual({});
  }

  const badSkus: [string, string][] = [
    ['33 characters long', 'A'.repeat(33)],
    ['empty', ''],
    ['holding a slash', '000/123'],
    ['a parent path', '../000123'],
    ['an encoded slash', '%2F000123'],
    ['holding a space', '000 123'],
    ['surrounded by spaces', ' 000123 '],
    ['non-ASCII', 'café'],
    ['non-Latin', '日本'],
  ];
  it.each(badSkus)(
    'answers BAD_REQUEST without calling any upstream for a SKU %s',
    async (_, sku) => {
      await expectRefusedBeforeUpstreams('product.page', { sku });
    },
  );

  it('answers BAD_REQUEST for a SKU that is not a string', async () => {
    await expectRefusedBeforeUpstreams('product.page', { sku: 123 });
  });

  it('answers BAD_REQUEST without calling any upstream for a page without a SKU', async () => {
    await expectRefusedBeforeUpstreams('product.page', {});
  });

  it.each([
    ['lower-case', 'usd'],
    ['four letters', 'EURO'],
    ['two letters', 'EU'],
    ['with a digit', 'US1'],
  ])('answers BAD_REQUEST without calling any upstream for a %s currency', async (_, currency) => {
    await expectRefusedBeforeUpstreams('product.page', { sku: '000123', currency });
    await expectRefusedBeforeUpstreams('product.search', { currency });
  });

  it('answers BAD_REQUEST with appCode null for a currency the ECB file does not list', async () => {
    const raw = await getQuery(bff(), 'product.page', { sku: '000123', currency: 'XYZ' });
    expect(raw.status).toBe(400);
    expect(wireError(raw.body)?.data).toMatchObject({ code: 'BAD_REQUEST', appCode: null });
    const { data } = await errorOf(
      bff().client.product.page.query({ sku: '000123', currency: 'XYZ' }),
    );
    expect(data).toMatchObject({ code: 'BAD_REQUEST', appCode: null });
  });

  it('answers BAD_REQUEST for product.search in a currency the ECB file does not list', async () => {
    const { data } = await errorOf(bff().client.product.search.query({ currency: 'XYZ' }));
    expect(data).toMatchObject({ code: 'BAD_REQUEST', appCode: null });
  });

  it.each([
    ['pageSize 0', { pageSize: 0 }],
    ['pageSize 51', { pageSize: 51 }],
    ['page 0', { page: 0 }],
    ['a negative page', { page: -1 }],
    ['a fractional page', { page: 1.5 }],
    ['a fractional pageSize', { pageSize: 2.5 }],
    ['a page given as text', { page: '2' }],
    ['a category code with a slash', { category: '01/00' }],
  ])(
    'answers BAD_REQUEST without calling any upstream for product.search with %s',
    async (_, input) => {
      await expectRefusedBeforeUpstreams('product.search', input);
    },
  );

  it('answers BAD_REQUEST before anything runs for a batch of 51 calls', async () => {
    const raw = await rawRequest(
      bff(),
      batchPath(Array.from({ length: 51 }, () => ({ path: 'fx.rates' }))),
    );
    expect(raw.status).toBe(400);
    expect(batchError(raw.body)?.data).toMatchObject({ code: 'BAD_REQUEST' });
    expect(bff().sandbox.calls.snapshot()).toEqual({});
  });

  it('runs none of the product pages of a batch of 51', async () => {
    const raw = await rawRequest(
      bff(),
      batchPath(
        Array.from({ length: 51 }, () => ({ path: 'product.page', input: { sku: '000123' } })),
      ),
    );
    expect(raw.status).toBe(400);
    expect(batchError(raw.body)?.data).toMatchObject({ code: 'BAD_REQUEST' });
    expect(bff().sandbox.calls.snapshot()).toEqual({});
  });

  it('answers every call of a batch of 50', async () => {
    const raw = await rawRequest(
      bff(),
      batchPath(Array.from({ length: 50 }, () => ({ path: 'fx.rates' }))),
    );
    expect(raw.status).toBe(200);
    expect(Array.isArray(raw.body)).toBe(true);
    const items = raw.body as unknown[];
    expect(items).toHaveLength(50);
    for (const item of items)
      expect(item).toMatchObject({ result: { data: { json: { base: 'EUR' } } } });
  });

  it('answers an error status to a body larger than MAX_BODY_BYTES and keeps serving', async () => {
    const body = JSON.stringify({
      json: { sku: '000123', padding: 'x'.repeat(MAX_BODY_BYTES * 4) },
    });
    const raw = await rawRequest(bff(), '/trpc/product.page', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(raw.status).toBeGreaterThanOrEqual(400);
    expect(raw.status).toBeLessThan(500);
    expect(bff().sandbox.calls.snapshot()).toEqual({});
    const page = await bff().client.product.page.query({ sku: '000123' });
    expect(page.product.sku).toBe('000123');
  });

  it('explains a validation error in one sentence naming the fields, with the issues in data', async () => {
    const raw = await getQuery(bff(), 'product.search', { pageSize: 51, page: 0 });
    expect(raw.status).toBe(400);
    const error = wireError(raw.body);
    expect(error?.message).toBe(
      "Invalid input: 'page' must be at least 1; 'pageSize' must be at most 50.",
    );
    expect(error?.data.issues).toEqual([
      expect.objectContaining({ path: ['page'], code: 'too_small' }),
      expect.objectContaining({ path: ['pageSize'], code: 'too_big' }),
    ]);
    const missing = wireError((await getQuery(bff(), 'product.page', {})).body);
    expect(missing?.message).toBe("Invalid input: 'sku' is required.");
    const nested = await signedIn(bff(), 'ann')
      .orders.place.mutate({
        shipTo: { name: 'Ann', street: 'Main St 1', city: '', postalCode: '10115', country: 'de' },
        clientReference: 'not a uuid',
      })
      .catch((e: unknown) => e);
    expect(nested).toBeInstanceOf(TRPCClientError);
    const sentence = (nested as TRPCClientError<AppRouter>).message;
    expect(sentence).toMatch(/^Invalid input: .*\.$/);
    for (const field of ["'shipTo.city'", "'shipTo.country'", "'clientReference'"])
      expect(sentence).toContain(field);
  });

  it('refuses input keys a procedure does not have, naming them (limit is not pageSize)', async () => {
    const raw = await getQuery(bff(), 'product.search', { query: 'tent', limit: 5 });
    expect(raw.status).toBe(400);
    expect(wireError(raw.body)?.message).toBe(
      "Invalid input: 'limit' is not a field of this input.",
    );
    const page = await getQuery(bff(), 'product.page', {
      sku: '000123',
      currency: 'EUR',
      lang: 'de',
      x: 1,
    });
    expect(wireError(page.body)?.message).toBe(
      "Invalid input: 'lang', 'x' are not fields of this input.",
    );
    expect(bff().sandbox.calls.snapshot()).toEqual({});
  });

  it('names the limit a batch or a body went over, and sends no superjson meta with an error', async () => {
    const batch = await rawRequest(
      bff(),
      batchPath(Array.from({ length: 51 }, () => ({ path: 'fx.rates' }))),
    );
    expect(batchError(batch.body)?.message).toBe('A batch holds at most 50 calls; this one has 51');
    // A body sent in chunks, without a length: cut off by tRPC while it is read.
    const chunked = await rawRequest(bff(), '/trpc/cart.setItem', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await bff().sandbox.idp.tokenFor('ann')}`,
      },
      body: new Blob([JSON.stringify({ json: { sku: 'x'.repeat(MAX_BODY_BYTES * 2) } })]).stream(),
      duplex: 'half',
    });
    expect(chunked.status).toBe(413);
    expect(wireError(chunked.body)?.message).toBe(
      `The body is larger than ${String(MAX_BODY_BYTES)} bytes`,
    );
    for (const body of [
      batch.body,
      chunked.body,
      (await getQuery(bff(), 'product.page', {})).body,
    ]) {
      const envelopes = Array.isArray(body) ? body : [body];
      for (const envelope of envelopes) expect(JSON.stringify(envelope)).not.toContain('"meta"');
    }
  });

  it('answers NOT_FOUND for an unknown procedure, without calling any upstream', async () => {
    for (const path of ['product.nothing', 'nothing', 'product']) {
      const raw = await getQuery(bff(), path, { sku: '000123' });
      expect(raw.status, path).toBe(404);
      expect(wireError(raw.body)?.data, path).toMatchObject({ code: 'NOT_FOUND', appCode: null });
    }
    expect(bff().sandbox.calls.snapshot()).toEqual({});
  });
});
