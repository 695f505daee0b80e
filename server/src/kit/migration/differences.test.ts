import { describe, expect, it } from 'vitest';
import { describeDifference, differences } from './differences.js';

describe('differences', () => {
  it('names each differing field by its path, with both values', () => {
    const found = differences(
      { product: { name: 'Trail', images: [{ role: 'main' }, { role: 'gallery' }], weight: 350 } },
      { product: { name: 'Trial', images: [{ role: 'main' }, { role: 'side' }], weight: 350 } },
    );
    expect(found.map(describeDifference)).toEqual([
      'product.name: "Trail" ≠ "Trial"',
      'product.images[1].role: "gallery" ≠ "side"',
    ]);
  });

  it('reports a field or item present on one side only as absent on the other', () => {
    const found = differences(
      { 'product[000123]': { name: 'A' }, 'product[000124]': { name: 'B' } },
      { 'product[000123]': { name: 'A' }, 'product[000125]': { name: 'C' } },
    );
    expect(found.map(describeDifference).sort()).toEqual([
      'product[000124]: {"name":"B"} ≠ absent',
      'product[000125]: absent ≠ {"name":"C"}',
    ]);
  });

  it('compares Dates by their time and finds nothing in equal answers', () => {
    const at = (ms: number) => ({ updatedAt: new Date(ms), list: [1, 2], none: null });
    expect(differences(at(1_790_856_000_000), at(1_790_856_000_000))).toEqual([]);
    expect(differences(at(1), at(2)).map((d) => d.path)).toEqual(['updatedAt']);
  });

  it('cuts long values in the description', () => {
    const [difference] = differences({ text: 'x'.repeat(500) }, { text: 'y' });
    expect(difference && describeDifference(difference).length).toBeLessThan(140);
  });
});
