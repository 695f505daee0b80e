import { expect } from 'vitest';
import type { Bff } from './bff.js';
import { rawRequest, type RawAnswer } from './wire.js';

/** A product page's path in tRPC's wire format. */
export const pagePath = (sku: string): string =>
  `/trpc/product.page?input=${encodeURIComponent(JSON.stringify({ json: { sku } }))}`;

/** The ERP versions a request's Server-Timing names (`erp` is v1, `erp-v2` is v2). */
export function erpVersionsOf(answer: RawAnswer): ('v1' | 'v2')[] {
  const timing = answer.headers.get('server-timing') ?? '';
  const names = timing.split(',').map((entry) => entry.trim().split(';')[0]);
  return [
    ...(names.includes('erp') ? (['v1'] as const) : []),
    ...(names.includes('erp-v2') ? (['v2'] as const) : []),
  ];
}

/** A product page asked as a caller with this address (the BFF must trust 127.0.0.1 as a proxy). */
export function pageAs(bff: Bff, address: string, sku: string): Promise<RawAnswer> {
  return rawRequest(bff, pagePath(sku), { headers: { 'x-forwarded-for': address } });
}

/** The one ERP version that served a page (fails when none or both did). */
export function servedBy(answer: RawAnswer): 'v1' | 'v2' {
  expect(answer.status).toBe(200);
  const versions = erpVersionsOf(answer);
  expect(versions).toHaveLength(1);
  return versions[0] ?? 'v1';
}

/** One of the v2 JSON problems as the ERP answers it. */
export const problemAnswer = (status: number, type: string) => ({
  kind: 'answer' as const,
  status,
  contentType: 'application/problem+json',
  body: JSON.stringify({ type, title: 'problem', status }),
});

let probes = 0;

/** The ERP version a caller (by address) is on, found by a search nothing has cached (it reaches the ERP). */
export async function versionOfCaller(bff: Bff, address: string): Promise<'v1' | 'v2'> {
  probes += 1;
  const input = encodeURIComponent(JSON.stringify({ json: { query: `probe ${String(probes)}` } }));
  return servedBy(
    await rawRequest(bff, `/trpc/product.search?input=${input}`, {
      headers: { 'x-forwarded-for': address },
    }),
  );
}

/** Caller addresses on v1 and on v2 (the BFF trusts 127.0.0.1 as a proxy and splits callers). */
export async function callersOnEachVersion(bff: Bff): Promise<{ v1: string; v2: string }> {
  const found: Partial<Record<'v1' | 'v2', string>> = {};
  for (let n = 1; n < 255 && !(found.v1 && found.v2); n += 1) {
    const address = `10.9.0.${String(n)}`;
    found[await versionOfCaller(bff, address)] ??= address;
  }
  if (!found.v1 || !found.v2) throw new Error('no caller on one of the versions');
  return { v1: found.v1, v2: found.v2 };
}
