import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { entryOfKept, jsonGivesBack, keep, type Entry } from './entry.js';

const entryOf = (value: unknown): Entry => ({
  kind: 'value',
  value,
  freshUntil: 1,
  staleUntil: 2,
  tags: ['stock:000123'],
});

/** A full garbage collection (V8's gc(), exposed for the call). */
function collect(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const product = {
  sku: '000123',
  name: 'Trail Runner 2 & Co',
  description: '<p>Light <b>trail</b> shoe.</p>',
  attributes: [
    { name: 'color', value: 'Red' },
    { name: 'size', value: '42' },
  ],
  weightGrams: 350,
  rating: 4.5,
  discontinued: false,
  replacedBy: null,
};

describe('an entry as the memory tier keeps it', () => {
  it('keeps a plain JSON value as its text, and answers each read with a value of its own', () => {
    const entry = entryOf(product);
    const kept = keep(entry);
    expect(kept?.kept.text).toBe(JSON.stringify(product));
    expect(kept?.kept.value).toBeUndefined();
    const first = entryOfKept(kept!.kept);
    const second = entryOfKept(kept!.kept);
    expect(first).toEqual(entry);
    expect(first.value).not.toBe(product);
    expect(first.value).not.toBe(second.value);
  });

  it('keeps Dates in the text and puts them back where they were, the root included', () => {
    const value = {
      sku: '000123',
      modifiedAt: new Date('2026-10-01T12:00:00.000Z'),
      reviews: [{ at: new Date(-1), text: 'fine' }, { at: new Date(8.64e15) }],
    };
    const kept = keep(entryOf(value));
    expect(kept?.kept.text).toContain('"2026-10-01T12:00:00.000Z"');
    expect(kept?.kept.dates).toEqual([['modifiedAt'], ['reviews', 0, 'at'], ['reviews', 1, 'at']]);
    const back = entryOfKept(kept!.kept).value as typeof value;
    expect(back).toEqual(value);
    expect(back.reviews[1]?.at).toBeInstanceOf(Date);
    const date = new Date('2026-10-01T12:00:00.000Z');
    expect(entryOfKept(keep(entryOf(date))!.kept).value).toEqual(date);
  });

  it('notes a value’s only Date at a field of its root by that field’s name, and puts it back', () => {
    const value = { sku: '000123', modifiedAt: new Date('2026-10-01T12:00:00.000Z'), n: 1 };
    const kept = keep(entryOf(value));
    expect(kept?.kept.dates).toBe('modifiedAt');
    // The name is the record's own key: the same string for every entry, nothing of its own.
    expect(kept?.bytes).toBe(JSON.stringify(value).length);
    const back = entryOfKept(kept!.kept).value as typeof value;
    expect(back).toEqual(value);
    expect(back.modifiedAt).toBeInstanceOf(Date);
    // A Date one level down, or two Dates, keep their paths (and count them).
    const nested = { item: { at: new Date(0) } };
    expect(keep(entryOf(nested))?.kept.dates).toEqual([['item', 'at']]);
    expect(keep(entryOf(nested))?.bytes).toBe(JSON.stringify(nested).length + 48 + 8 + 48 + 16);
    expect(entryOfKept(keep(entryOf(nested))!.kept).value).toEqual(nested);
  });

  it('keeps a value JSON would change as loaded: Maps, undefined fields, -0, invalid Dates', () => {
    for (const value of [
      { rates: new Map([['EUR', 1]]) },
      { sku: '000123', note: undefined },
      { delta: -0 },
      { at: new Date(Number.NaN) },
    ]) {
      const kept = keep(entryOf(value));
      expect(kept?.kept.text).toBeUndefined();
      expect(kept?.kept.value).toBe(value);
      expect(entryOfKept(kept!.kept).value).toBe(value);
    }
  });

  it('keeps a remembered absence as it is', () => {
    const absent: Entry = { kind: 'absent', value: null, freshUntil: 1, staleUntil: 1, tags: [] };
    expect(entryOfKept(keep(absent)!.kept)).toEqual(absent);
  });

  it('does not keep alive the whole text a value’s strings were cut from, as text or as loaded', () => {
    const MiB = 1024 * 1024;
    /** The heap kept by an entry whose strings are slices of a 64 MiB answer, as parsed XML values are. */
    const keptBy = (
      keepIt: (entry: Entry) => unknown,
      withMap: boolean,
    ): { bytes: number; kept: unknown } => {
      collect();
      const before = process.memoryUsage().heapUsed;
      const cut = (): unknown => {
        const answer = `<a>${'x'.repeat(64 * MiB)}</a>`;
        return keepIt(
          entryOf({
            name: answer.slice(3, 40),
            images: [answer.slice(3, 30)],
            nested: { text: answer.slice(3, 16) },
            ...(withMap ? { notes: new Map([['first', answer.slice(3, 20)]]) } : {}),
          }),
        );
      };
      const kept = cut();
      collect();
      return { bytes: process.memoryUsage().heapUsed - before, kept };
    };
    // Kept as it was made, the slices hold the answer…
    expect(keptBy((entry) => entry, false).bytes).toBeGreaterThan(48 * MiB);
    // …kept by the memory tier, as text or as loaded, they do not, and read the same.
    for (const withMap of [false, true]) {
      const { bytes, kept } = keptBy((entry) => keep(entry)?.kept, withMap);
      expect(bytes).toBeLessThan(16 * MiB);
      expect(entryOfKept(kept as NonNullable<ReturnType<typeof keep>>['kept']).value).toEqual({
        name: 'x'.repeat(37),
        images: ['x'.repeat(27)],
        nested: { text: 'x'.repeat(13) },
        ...(withMap ? { notes: new Map([['first', 'x'.repeat(17)]]) } : {}),
      });
    }
  });

  it('keeps a copy of a frozen value that cannot be text', () => {
    const value = Object.freeze({
      name: 'Trail Runner 2 with a long name',
      rates: new Map([['EUR', 1]]),
    });
    const kept = keep(entryOf(value));
    expect(kept?.kept.value).toEqual(value);
    expect(kept?.kept.value).not.toBe(value);
  });

  it('counts text at a byte per character, two beyond Latin-1, and values as loaded at 2.3 per character of their JSON', () => {
    const text = keep(entryOf(product));
    expect(text?.bytes).toBe(JSON.stringify(product).length);
    const wide = { ...product, name: 'Trail Runner 2 – 東京' };
    expect(keep(entryOf(wide))?.bytes).toBe(2 * JSON.stringify(wide).length);
    const loaded = { ...product, byWarehouse: new Map([['BER', 3]]) };
    const ratio =
      (keep(entryOf(loaded))?.bytes ?? 0) /
      JSON.stringify({ ...loaded, byWarehouse: { BER: 3 } }).length;
    expect(ratio).toBeGreaterThan(0.8 * 2.3);
    expect(ratio).toBeLessThan(1.25 * 2.3);
  });
});

describe('jsonGivesBack', () => {
  it('accepts what JSON gives back as it was', () => {
    for (const value of [
      '',
      'x',
      0,
      1.5,
      -3,
      true,
      null,
      [],
      {},
      product,
      [[1, 'a'], { b: [] }],
      new Date(0),
    ])
      expect(jsonGivesBack(value, [], [])).toBe(true);
  });

  it('refuses what JSON would change', () => {
    class Product {
      sku = '000123';
    }
    const holey: unknown[] = [1];
    holey[2] = 3;
    for (const value of [
      undefined,
      Number.NaN,
      Infinity,
      -0,
      10n,
      () => 1,
      Symbol('s'),
      new Date(Number.NaN),
      Object.assign(new Date(0), { note: 'x' }),
      new Map(),
      new Set(),
      new Product(),
      Object.create(null) as unknown,
      { a: undefined },
      { a: [undefined] },
      holey,
      { a: { b: new Map() } },
      { toJSON: () => 'x' },
    ])
      expect(jsonGivesBack(value, [], [])).toBe(false);
  });
});
