import { describe, expect, it } from 'vitest';
import { errorOf, useBff } from '../helpers/bff.js';
import { signedInWith } from '../helpers/shopper.js';
import { rawRequest, wireError } from '../helpers/wire.js';

// OWASP API7:2023, server-side request forgery: no client input decides where the BFF sends a
// request. Upstream URLs come from the configuration; what reaches a path is checked against a
// strict pattern and percent-encoded; redirects are never followed (bounded-answers).

describe('API7: clients do not choose where the BFF calls', () => {
  const bff = useBff();

  it('refuses SKUs that would change an upstream path or query, before any upstream call', async () => {
    for (const sku of [
      '../admin',
      '000123/../../x',
      '000123?x=1',
      '%2e%2e',
      'http://evil.example/',
      '000123#',
    ]) {
      const answer = await rawRequest(
        bff(),
        `/trpc/product.page?input=${encodeURIComponent(JSON.stringify({ json: { sku } }))}`,
      );
      expect(wireError(answer.body)?.data.code, sku).toBe('BAD_REQUEST');
    }
    expect(bff().sandbox.calls.snapshot()).toEqual({});
  });

  it('refuses a token whose sub would change an upstream path, though the provider signed it', async () => {
    for (const sub of ['../u-1002', 'u-1001/orders', 'u-1001?x=1', 'http://evil.example']) {
      const token = await bff().sandbox.idp.issueToken({ sub });
      expect(
        (await errorOf(signedInWith(bff(), () => token).orders.list.query())).data.code,
        sub,
      ).toBe('UNAUTHORIZED');
    }
    expect(
      Object.keys(bff().sandbox.calls.snapshot()).filter((key) => !key.startsWith('idp')),
    ).toEqual([]);
  });

  it('refuses a category that is not a code', async () => {
    const answer = await rawRequest(
      bff(),
      `/trpc/product.search?input=${encodeURIComponent(JSON.stringify({ json: { category: '0100&Page=9' } }))}`,
    );
    expect(wireError(answer.body)?.data.code).toBe('BAD_REQUEST');
  });
});
