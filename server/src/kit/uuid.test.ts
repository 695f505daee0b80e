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

  it('gives the order references it always gave: the ERP keys orders by them (idempotency)', () => {
    // The order namespace of domain/orders.ts; the UUIDs are those of the hand-written version 5
    // this one replaced, non-ASCII names and a lone surrogate (a token's sub may carry one) included.
    const orders = '6f1c9d5e-2b7a-4c3e-9a8d-1e5b7c9f0a24';
    expect(nameBasedUuid(orders, 'u-1001\n3f2b8c1e-5d4a-4f6b-9c2d-7e8f9a0b1c2d')).toBe(
      '1d4b76a3-2309-5751-b6cf-70dc07438a2a',
    );
    expect(nameBasedUuid(orders, 'Zoë Ångström\n€ 10 😀')).toBe(
      '1b60d3b1-df74-576b-8f23-242024a48a4b',
    );
    expect(nameBasedUuid(orders, 'a\ud800b')).toBe('e9e37a35-a3a0-59ce-ac0f-7f6766921ed7');
    expect(nameBasedUuid(orders, '')).toBe('e58d0a8d-9021-5c29-80b0-6e2cb3b0c3cc');
  });
});
