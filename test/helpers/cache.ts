import { FIRST_GENERATED_SKU } from '@storefront/sandbox';
import { expect } from 'vitest';
import type { Bff } from './bff.js';

/**
 * The cache on (the test BFF has it off by default), with generous budgets: what these tests show
 * must not depend on how busy the machine is.
 */
export const CACHE_ON = {
  CACHE_MAX_BYTES: '50000000',
  PART_TIMEOUT_MS: '5000',
  ERP_TIMEOUT_MS: '5000',
};

export const SHIP_TO = {
  name: 'Ann Lee',
  street: 'Hauptstraße 1',
  city: 'Berlin',
  postalCode: '10115',
  country: 'DE',
};

/** SKUs one test has used already: every test looks at SKUs nothing has cached yet. */
const usedSkus = new Set<string>();

/** A generated, active SKU no test of this file has used, for which `wanted` holds. */
export function coldSku(bff: Bff, wanted: (sku: string) => boolean = () => true): string {
  const { bySku } = bff.sandbox.store.catalog;
  for (let n = FIRST_GENERATED_SKU; ; n++) {
    const sku = String(n);
    const product = bySku.get(sku);
    if (!product) throw new Error('the sandbox has no unused SKU left that fits');
    if (usedSkus.has(sku) || product.status !== 'ACTIVE' || !wanted(sku)) continue;
    usedSkus.add(sku);
    return sku;
  }
}

export const priced =
  (bff: Bff) =>
  (sku: string): boolean =>
    bff.sandbox.store.catalog.prices.has(sku);

/** The Cache-Control of a public answer: its max-age and s-maxage in seconds. */
export function publicAges(header: string | null): { maxAge: number; sMaxAge: number } {
  const value = header ?? '';
  expect(value).toMatch(/^public\b/);
  expect(value).not.toMatch(/private|no-store|no-cache/);
  const maxAge = /(?:^|[\s,])max-age=(\d+)/.exec(value)?.[1];
  const sMaxAge = /s-maxage=(\d+)/.exec(value)?.[1];
  if (maxAge === undefined) throw new Error(`no max-age in ${value}`);
  return { maxAge: Number(maxAge), sMaxAge: Number(sMaxAge ?? maxAge) };
}

export const pageInput = (sku: string) => encodeURIComponent(JSON.stringify({ json: { sku } }));
