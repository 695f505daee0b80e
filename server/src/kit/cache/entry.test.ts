import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { keepable, ownStringsAndLength, serializeEntry, type Entry } from './entry.js';

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

describe('an entry as the memory tier keeps it', () => {
  it('keeps the entry itself, with the same values, Dates, Maps and nested records', () => {
    const value = {
      sku: '000123',
      name: 'Trail Runner 2 with a long name',
      updatedAt: new Date('2026-10-01T12:00:00.000Z'),
      byWarehouse: new Map([['BER', 'a warehouse note long enough']]),
      attributes: [{ name: 'color', value: 'Red' }],
      images: ['https://img.example/000123/main.jpg'],
      price: null,
    };
    const entry = entryOf(value);
    const before = structuredClone(entry);
    const kept = keepable(entry);
    expect(kept?.entry).toBe(entry);
    expect(kept?.entry).toEqual(before);
    expect((kept?.entry.value as typeof value).updatedAt).toBeInstanceOf(Date);
  });

  it('does not keep alive the whole text a value’s strings were cut from', () => {
    const MiB = 1024 * 1024;
    /** The heap kept by an entry whose strings are slices of a 64 MiB answer, as parsed XML values are. */
    const keptBy = (keep: (entry: Entry) => Entry): { bytes: number; entry: Entry } => {
      collect();
      const before = process.memoryUsage().heapUsed;
      const cut = (): Entry => {
        const answer = `<a>${'x'.repeat(64 * MiB)}</a>`;
        return keep(
          entryOf({
            name: answer.slice(3, 40),
            images: [answer.slice(3, 30)],
            notes: new Map([['first', answer.slice(3, 20)]]),
            nested: { text: answer.slice(3, 16) },
          }),
        );
      };
      const entry = cut();
      collect();
      return { bytes: process.memoryUsage().heapUsed - before, entry };
    };
    // Kept as loaded, the slices hold the answer…
    const loaded = keptBy((entry) => entry);
    expect(loaded.bytes).toBeGreaterThan(48 * MiB);
    // …made keepable, they do not, and read the same.
    const kept = keptBy((entry) => keepable(entry)?.entry ?? entry);
    expect(kept.bytes).toBeLessThan(16 * MiB);
    expect(kept.entry.value).toEqual({
      name: 'x'.repeat(37),
      images: ['x'.repeat(27)],
      notes: new Map([['first', 'x'.repeat(17)]]),
      nested: { text: 'x'.repeat(13) },
    });
  });

  it('keeps a copy of a frozen value, whose strings are its own too', () => {
    const value = Object.freeze({ sku: '000123', name: 'Trail Runner 2 with a long name' });
    const kept = keepable(entryOf(value));
    expect(kept?.entry.value).toEqual(value);
    expect(kept?.entry.value).not.toBe(value);
  });

  it('counts about the length of the entry’s text', () => {
    const entry = entryOf({
      sku: '000123',
      name: 'Trail Runner 2 & Co',
      description: '<p>Light <b>trail</b> shoe.</p>',
      attributes: [
        { name: 'color', value: 'Red' },
        { name: 'size', value: '42' },
      ],
      weightGrams: 350,
      updatedAt: new Date('2026-10-01T12:00:00.000Z'),
      reviews: Array.from({ length: 5 }, (_, i) => ({ id: `r-${String(i)}`, rating: 4 })),
    });
    const ratio = ownStringsAndLength(entry) / serializeEntry(entry).length;
    expect(ratio).toBeGreaterThan(0.8);
    expect(ratio).toBeLessThan(1.25);
  });
});
