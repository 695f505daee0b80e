import {
  cartGetInput,
  cartSetItemInput,
  dashboardInput,
  ordersPlaceInput,
  productPageInput,
  productSearchInput,
} from '@storefront/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { useBff } from '../helpers/bff.js';
import { callSignedIn, upstreamCallsBesidesIdp, type SignedInCall } from '../helpers/tokens.js';
import { rawRequest, wireError } from '../helpers/wire.js';

// Property-based: whatever a client sends that a procedure's input schema refuses is a 4xx,
// never a 5xx, and reaches no upstream.

interface Procedure {
  path: string;
  type: 'query' | 'mutation';
  schema: z.ZodType;
  signedIn: boolean;
  /** Inputs shaped like the real one, with wrong values: they find the schema's edges faster than any JSON. */
  nearMiss: fc.Arbitrary<unknown>;
}

const text = fc.oneof(
  fc.string(),
  fc.constantFrom(
    '',
    ' ',
    '../x',
    '000123\u0000',
    'a'.repeat(300),
    '\uD800',
    '<x/>',
    '%2e',
    'EURO',
    'eur',
  ),
);
const number = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(-1, 0, 100, 1e21, Number.NaN));
const loose = fc.oneof(
  text,
  number,
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
);

const PROCEDURES: Procedure[] = [
  {
    path: 'product.page',
    type: 'query',
    schema: productPageInput,
    signedIn: false,
    nearMiss: fc.record({ sku: loose, currency: loose }, { requiredKeys: [] }),
  },
  {
    path: 'product.search',
    type: 'query',
    schema: productSearchInput,
    signedIn: false,
    nearMiss: fc.record(
      { query: loose, category: loose, page: loose, pageSize: loose, currency: loose },
      { requiredKeys: [] },
    ),
  },
  {
    path: 'cart.get',
    type: 'query',
    schema: cartGetInput,
    signedIn: true,
    nearMiss: fc.record({ currency: loose }),
  },
  {
    path: 'cart.setItem',
    type: 'mutation',
    schema: cartSetItemInput,
    signedIn: true,
    nearMiss: fc.record(
      { sku: loose, quantity: loose, expectedVersion: loose },
      { requiredKeys: [] },
    ),
  },
  {
    path: 'account.dashboard',
    type: 'query',
    schema: dashboardInput,
    signedIn: true,
    nearMiss: fc.record({ currency: loose }),
  },
  {
    path: 'orders.place',
    type: 'mutation',
    schema: ordersPlaceInput,
    signedIn: true,
    nearMiss: fc.record(
      {
        shipTo: fc.oneof(
          loose,
          fc.record(
            { name: loose, street: loose, city: loose, postalCode: loose, country: loose },
            { requiredKeys: [] },
          ),
        ),
        clientReference: fc.oneof(loose, fc.uuid()),
      },
      { requiredKeys: [] },
    ),
  },
];

describe('invalid input never costs an upstream call and never answers 5xx', () => {
  const bff = useBff();

  it.each(PROCEDURES.map((procedure) => [procedure.path, procedure] as const))(
    '%s',
    async (_, procedure) => {
      const token = await bff().sandbox.idp.tokenFor('ann');
      const invalid = fc
        .oneof(procedure.nearMiss, fc.jsonValue())
        .filter((input) => !procedure.schema.safeParse(input).success);
      await fc.assert(
        fc.asyncProperty(invalid, async (input) => {
          bff().sandbox.calls.reset();
          const call: SignedInCall = {
            path: procedure.path as SignedInCall['path'],
            type: procedure.type,
            input,
          };
          const answer = procedure.signedIn
            ? await callSignedIn(bff(), call, `Bearer ${token}`)
            : await rawRequest(
                bff(),
                `/trpc/${procedure.path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`,
              );
          expect([400, 413, 414, 431]).toContain(answer.status);
          if (answer.status === 400) expect(wireError(answer.body)?.data.code).toBe('BAD_REQUEST');
          expect(upstreamCallsBesidesIdp(bff().sandbox.calls.snapshot())).toEqual([]);
        }),
        { numRuns: 60 },
      );
    },
  );
});
