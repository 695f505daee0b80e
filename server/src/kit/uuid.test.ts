import { describe, expect, it } from 'vitest';
import { nameBasedUuid } from './uuid.js';

describe('nameBasedUuid', () => {
  it("gives RFC 9562's version 5 UUID of a namespace and a name (the DNS namespace's python.org example)", () => {
    expect(nameBasedUuid('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org')).toBe(
      '886313e1-3b8a-5372-9b90-0c9aee199e5d',
    );
  });

  it('gives the same UUID for the same name and another for another name', () => {
    const ns = '0b9bd49c-3f64-4c55-9a4c-4a4b0d7a1f10';
    expect(nameBasedUuid(ns, 'u-1001\nref')).toBe(nameBasedUuid(ns, 'u-1001\nref'));
    expect(nameBasedUuid(ns, 'u-1002\nref')).not.toBe(nameBasedUuid(ns, 'u-1001\nref'));
  });
});
