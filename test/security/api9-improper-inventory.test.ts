import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { appRouter } from '@storefront/server';
import { describe, expect, it } from 'vitest';
import { useBff } from '../helpers/bff.js';
import { rawRequest } from '../helpers/wire.js';

// OWASP API9:2023, improper inventory management: what answers is exactly what is documented.

const DOCUMENTED = [
  'product.page',
  'product.search',
  'fx.rates',
  'cart.get',
  'cart.setItem',
  'account.dashboard',
  'orders.list',
  'orders.place',
];

describe('API9: only documented procedures and routes answer', () => {
  const bff = useBff();

  it('serves exactly the procedures docs/api.md documents', () => {
    expect(Object.keys(appRouter._def.procedures).sort()).toEqual([...DOCUMENTED].sort());
    const doc = readFileSync(fileURLToPath(new URL('../../docs/api.md', import.meta.url)), 'utf8');
    for (const procedure of DOCUMENTED) expect(doc, procedure).toContain(`\`${procedure}\``);
  });

  it('answers 404 to anything else: other paths, procedures, and tRPC internals', async () => {
    for (const path of [
      '/',
      '/trpc',
      '/trpc/',
      '/trpc/admin.users',
      '/trpc/product',
      '/trpc/_def',
      '/api',
      '/.env',
      '/metrics/../trpc/x',
      '/healthz/extra',
    ]) {
      expect((await rawRequest(bff(), path)).status, path).toBe(404);
    }
    expect(bff().sandbox.calls.snapshot()).toEqual({});
  });
});
