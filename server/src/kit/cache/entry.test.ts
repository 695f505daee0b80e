import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ownCopies, serializeEntry, textLength, type Entry } from './entry.js';

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

describe('the memory tier’s copy of an entry', () => {
  it('keeps Dates, Maps and nested records as they are, in objects of its own', () => {
    const value = {
      sku: '000123',
      updatedAt: new Date('2026-10-01T12:00:00.000Z'),
      byWarehouse: new Map([['BER', 12]]),
      attributes: [{ name: 'color', value: 'Red' }],
      price: null,
    };
    // The entries of one load are copied together, each into objects of its own.
    const other = { sku: '000124' };
    const [copy, otherCopy] = ownCopies([entryOf(value), entryOf(other)]);
    expect(copy).toEqual(entryOf(value));
    expect(copy?.value).not.toBe(value);
    expect((copy?.value as typeof value).updatedAt).toBeInstanceOf(Date);
    expect(otherCopy).toEqual(entryOf(other));
    expect(otherCopy?.value).not.toBe(other);
  });

  it('does not keep alive the whole text a value’s strings were cut from', () => {
    const MiB = 1024 * 1024;
    /** The heap kept by an entry whose string is a slice of a 64 MiB answer, as parsed XML values are. */
    const keptBy = (copy: (entry: Entry) => Entry): { bytes: number; entry: Entry } => {
      collect();
      const before = process.memoryUsage().heapUsed;
      const cut = (): Entry => {
        const answer = `<a>${'x'.repeat(64 * MiB)}</a>`;
        return copy(entryOf({ name: answer.slice(3, 40) }));
      };
      const entry = cut();
      collect();
      return { bytes: process.memoryUsage().heapUsed - before, entry };
    };
    // Kept as loaded, the slice holds the answer…
    const loaded = keptBy((entry) => entry);
    expect(loaded.bytes).toBeGreaterThan(48 * MiB);
    // …copied, it does not.
    const copied = keptBy((entry) => ownCopies([entry])[0] ?? entry);
    expect(copied.bytes).toBeLessThan(16 * MiB);
    expect((copied.entry.value as { name: string }).name).toBe('x'.repeat(37));
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
    const ratio = textLength(entry) / serializeEntry(entry).length;
    expect(ratio).toBeGreaterThan(0.8);
    expect(ratio).toBeLessThan(1.25);
  });
});
