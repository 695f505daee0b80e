import { businessData, firstDifference } from './compare.js';
import type { Target } from './processes.js';
import { trpcPath } from './scenarios.js';

/** Fixtures with quirks (entities, CDATA, whitespace, kg, missing elements, unknown elements) and generated products. */
const PAGES = [
  '000123',
  '000200',
  '000202',
  '000204',
  '000206',
  '000207',
  '000208',
  '000209',
  '000210',
  '000211',
  '000212',
  'TR-2-RED',
  'ABCDEFGHIJKLMNOPQRSTUVWXYZ-01234',
  '100000',
  '100001',
  '100002',
  '100003',
  '100004',
];

export const SAME_ANSWER_PATHS: readonly string[] = [
  ...PAGES.map((sku) => trpcPath('product.page', { sku })),
  trpcPath('product.page', { sku: '999999' }),
  trpcPath('product.search', { query: 'trail' }),
  trpcPath('product.search', { query: 'café', page: 2, pageSize: 5 }),
  trpcPath('product.search', { category: '0700', page: 3 }),
  trpcPath('product.search', { query: 'no such thing' }),
];

/**
 * Both implementations must answer the same business data before their speed means anything:
 * the same status and, for 200s, the same superjson json and meta (warehouses in any order).
 * Throws naming the first difference.
 */
export async function checkSameAnswers(
  reference: Target,
  others: readonly Target[],
): Promise<number> {
  const get = async (target: Target, path: string): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(`${target.url}${path}`);
    const body: unknown = await response.json();
    return { status: response.status, body };
  };
  for (const path of SAME_ANSWER_PATHS) {
    const expected = await get(reference, path);
    for (const other of others) {
      const actual = await get(other, path);
      const difference =
        actual.status !== expected.status
          ? `HTTP ${actual.status} ≠ ${expected.status}`
          : expected.status === 200
            ? firstDifference(businessData(actual.body), businessData(expected.body))
            : undefined;
      if (difference)
        throw new Error(
          `${other.name} and ${reference.name} answer ${decodeURIComponent(path)} differently: ${difference}`,
        );
    }
  }
  return SAME_ANSWER_PATHS.length;
}
