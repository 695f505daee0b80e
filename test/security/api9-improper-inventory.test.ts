import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { appRouter } from '@storefront/server';
import { describe, expect, it } from 'vitest';
import { useBff } from '../helpers/bff.js';
import { rawRequest } from '../helpers/wire.js';

// OWASP API9:2023, improper inventory management: what answers is exactly what is documented.

const DOCUMENTED = [
  'product.page',
  'product.pageProgressive',
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

  it('serves exactly the REST routes docs/api.md documents, as its OpenAPI document lists them', async () => {
    const document = (await rawRequest(bff(), '/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const doc = readFileSync(fileURLToPath(new URL('../../docs/api.md', import.meta.url)), 'utf8');
    const routes = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes).toHaveLength(8);
    for (const route of routes) expect(doc, route).toContain(route);
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
      '/api/v1',
      '/api/v1/admin/users',
      '/api/v2/products',
      '/.env',
      '/metrics/../trpc/x',
      '/healthz/extra',
    ]) {
      expect((await rawRequest(bff(), path)).status, path).toBe(404);
    }
    expect(bff().sandbox.calls.snapshot()).toEqual({});
  });
});
