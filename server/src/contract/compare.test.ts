import { describe, expect, it } from 'vitest';
import { deferred } from '@storefront/shared';
import { z } from 'zod';
import { appRouter } from '../router.js';
import { bumpFor, compareContracts, nextVersion, type ContractChange } from './compare.js';
import { contractOf, jsonSchemaOf, NO_INPUT, type ContractSnapshot } from './snapshot.js';

// Each kind of change from a real pair of zod schemas, converted as the snapshot converts them.

const procedure = (input: z.ZodType | null, output: z.ZodType) => ({
  input: input ? jsonSchemaOf(input, 'input') : NO_INPUT,
  output: jsonSchemaOf(output, 'output'),
});

/** The changes from `before` to `after` of one procedure `p`. */
function changes(
  before: [z.ZodType | null, z.ZodType],
  after: [z.ZodType | null, z.ZodType],
): ContractChange[] {
  return compareContracts({ p: procedure(...before) }, { p: procedure(...after) });
}

const money = z.object({ amount: z.string(), currencyCode: z.string() });
const page = z.object({ sku: z.string(), price: money, updatedAt: z.date() });
const input = z.strictObject({ sku: z.string(), currency: z.string().optional() });

describe('compareContracts', () => {
  it('finds nothing between a schema and itself (a patch at most)', () => {
    const found = changes([input, page], [input, page]);
    expect(found).toEqual([]);
    expect(bumpFor(found)).toBe('patch');
  });

  it('breaks on an output field removed, naming the procedure and the field (major)', () => {
    const found = changes([input, page], [input, page.omit({ updatedAt: true })]);
    expect(found).toEqual([
      expect.objectContaining({
        kind: 'breaking',
        procedure: 'p',
        side: 'output',
        field: 'updatedAt',
      }),
    ]);
    expect(bumpFor(found)).toBe('major');
  });

  it('breaks on a nested output field removed', () => {
    const found = changes(
      [input, page],
      [input, page.extend({ price: z.object({ amount: z.string() }) })],
    );
    expect(found.map((c) => [c.kind, c.field])).toEqual([['breaking', 'price.currencyCode']]);
  });

  it('breaks on a type changed: a number for a string, a string for a Date', () => {
    const numeric = changes([input, page], [input, page.extend({ sku: z.number() })]);
    expect(numeric.map((c) => [c.kind, c.field])).toEqual([['breaking', 'sku']]);
    const dateless = changes([input, page], [input, page.extend({ updatedAt: z.string() })]);
    expect(dateless.map((c) => [c.kind, c.field])).toEqual([['breaking', 'updatedAt']]);
  });

  it('breaks on a field becoming deferred (a promise on the client) or ceasing to be', () => {
    const later = z.object({ rating: z.number() });
    const whole = page.extend({ later });
    const streamed = page.extend({ later: deferred(later) });
    expect(changes([input, whole], [input, streamed]).map((c) => [c.kind, c.field])).toEqual([
      ['breaking', 'later'],
    ]);
    expect(changes([input, streamed], [input, whole]).map((c) => [c.kind, c.field])).toEqual([
      ['breaking', 'later'],
    ]);
    // Inside it, the resolved schema's fields compare as any other.
    const gone = page.extend({ later: deferred(z.object({})) });
    expect(changes([input, streamed], [input, gone]).map((c) => [c.kind, c.field])).toEqual([
      ['breaking', 'later.rating'],
    ]);
  });

  it('breaks on nullability added to an output; adding it to an input is an addition', () => {
    const output = changes([input, page], [input, page.extend({ price: money.nullable() })]);
    expect(output.map((c) => [c.kind, c.side, c.field])).toEqual([['breaking', 'output', 'price']]);
    const optionalOutput = changes(
      [input, page],
      [input, page.extend({ price: money.optional() })],
    );
    expect(optionalOutput.map((c) => c.kind)).toEqual(['breaking']);
    const inputNull = changes(
      [input, page],
      [input.extend({ currency: z.string().nullable().optional() }), page],
    );
    expect(inputNull.map((c) => [c.kind, c.side])).toEqual([['addition', 'input']]);
  });

  it('breaks on a new required input field; a new optional one is an addition (minor)', () => {
    const required = changes([input, page], [input.extend({ locale: z.string() }), page]);
    expect(required.map((c) => [c.kind, c.side, c.field])).toEqual([
      ['breaking', 'input', 'locale'],
    ]);
    const optional = changes(
      [input, page],
      [input.extend({ locale: z.string().optional() }), page],
    );
    expect(optional.map((c) => [c.kind, c.field])).toEqual([['addition', 'locale']]);
    expect(bumpFor(optional)).toBe('minor');
    const defaulted = changes([input, page], [input.extend({ page: z.number().default(1) }), page]);
    expect(defaulted.map((c) => c.kind)).toEqual(['addition']);
  });

  it('breaks on an input field removed while inputs are strict, not when they are not', () => {
    const strict = changes([input, page], [input.omit({ currency: true }), page]);
    expect(strict.map((c) => [c.kind, c.field])).toEqual([['breaking', 'currency']]);
    const loose = z.object({ sku: z.string(), currency: z.string().optional() });
    const stripped = changes([loose, page], [loose.omit({ currency: true }), page]);
    expect(stripped.map((c) => c.kind)).toEqual(['compatible']);
  });

  it('breaks on an enum narrowed on input or widened on output; the other ways are fine', () => {
    const sort = (...values: [string, ...string[]]) => z.strictObject({ sort: z.enum(values) });
    const status = (...values: [string, ...string[]]) => z.object({ status: z.enum(values) });
    const out = status('active');
    expect(changes([sort('a', 'b'), out], [sort('a'), out]).map((c) => c.kind)).toEqual([
      'breaking',
    ]);
    expect(changes([sort('a'), out], [sort('a', 'b'), out]).map((c) => c.kind)).toEqual([
      'addition',
    ]);
    const inp = sort('a');
    expect(
      changes([inp, status('active')], [inp, status('active', 'discontinued')]).map((c) => [
        c.kind,
        c.field,
      ]),
    ).toEqual([['breaking', 'status']]);
    expect(
      changes([inp, status('active', 'discontinued')], [inp, status('active')]).map((c) => c.kind),
    ).toEqual(['compatible']);
  });

  it('adds a new output field (minor); breaks on a tighter input bound', () => {
    const added = changes([input, page], [input, page.extend({ brand: z.string() })]);
    expect(added.map((c) => [c.kind, c.field])).toEqual([['addition', 'brand']]);
    const sized = (max: number) => z.strictObject({ pageSize: z.number().int().max(max) });
    expect(changes([sized(50), page], [sized(20), page]).map((c) => c.kind)).toEqual(['breaking']);
    expect(changes([sized(20), page], [sized(50), page])).toEqual([]);
  });

  it('compares array items and record values', () => {
    const list = (item: z.ZodType) => z.object({ items: z.array(item) });
    expect(
      changes([input, list(money)], [input, list(z.object({ amount: z.string() }))]).map(
        (c) => c.field,
      ),
    ).toEqual(['items.[].currencyCode']);
    const rates = (value: z.ZodType) => z.object({ rates: z.record(z.string(), value) });
    expect(
      changes([null, rates(z.number())], [null, rates(z.string())]).map((c) => c.field),
    ).toEqual(['rates.*']);
  });

  it('breaks on a procedure removed; a new one is an addition; a new required input on one that took none breaks', () => {
    const one: ContractSnapshot = { a: procedure(input, page), b: procedure(null, money) };
    const removed = compareContracts(one, { a: procedure(input, page) });
    expect(removed.map((c) => [c.kind, c.procedure, c.side])).toEqual([
      ['breaking', 'b', 'procedure'],
    ]);
    const added = compareContracts(one, { ...one, c: procedure(null, money) });
    expect(added.map((c) => [c.kind, c.procedure])).toEqual([['addition', 'c']]);
    const inputNow = compareContracts(one, { ...one, b: procedure(input, money) });
    expect(inputNow.map((c) => [c.kind, c.field])).toContainEqual(['breaking', 'sku']);
  });
});

describe('nextVersion', () => {
  it('applies semver', () => {
    expect(nextVersion('1.4.2', 'major')).toBe('2.0.0');
    expect(nextVersion('1.4.2', 'minor')).toBe('1.5.0');
    expect(nextVersion('1.4.2', 'patch')).toBe('1.4.3');
  });
});

describe('contractOf', () => {
  it('has every procedure of the router, with Dates as date-time strings marked x-type Date', () => {
    const contract = contractOf(appRouter);
    expect(Object.keys(contract)).toEqual(Object.keys(appRouter._def.procedures).sort());
    const page = JSON.stringify(contract['product.page']?.output);
    expect(page).toContain('"x-type":"Date"');
    // A promise field is its resolved schema, marked.
    expect(contract['product.pageProgressive']?.output).toMatchObject({
      properties: { later: { 'x-deferred': true, properties: { reviews: { type: 'array' } } } },
    });
    expect(contract['fx.rates']?.input).toEqual(NO_INPUT);
    expect(contract['product.search']?.input).toMatchObject({ additionalProperties: false });
  });
});
