import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeBody, negotiateEncoding } from './compression.js';

describe('negotiateEncoding', () => {
  it.each([
    ['gzip, deflate, br', 'gzip'],
    ['br', 'br'],
    ['gzip;q=0.9, br', 'br'],
    ['gzip, deflate', 'gzip'],
    ['br;q=0.5, gzip', 'gzip'],
    ['br;q=0, gzip;q=0.1', 'gzip'],
    ['BR', 'br'],
    ['x-gzip', 'gzip'],
    ['*', 'gzip'],
    ['gzip;q=0, *', 'br'],
    ['br;q=0, *;q=0.3', 'gzip'],
  ] as const)('answers %j with %s', (header, expected) => {
    expect(negotiateEncoding(header)).toBe(expected);
  });

  it.each([
    undefined,
    '',
    'identity',
    'deflate',
    'br;q=0, gzip;q=0',
    '*;q=0',
    'br;q=2',
    'gzip;q=x',
  ])('answers %j with nothing: the body is sent as it is', (header) => {
    expect(negotiateEncoding(header)).toBeUndefined();
  });
});

describe('encodeBody', () => {
  it('compresses a body both ways, and each decodes to the body', () => {
    const body = Buffer.from(
      JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => ({ sku: String(i) })) }),
    );
    const br = encodeBody(body, 'br');
    const gzip = encodeBody(body, 'gzip');
    expect(br.length).toBeLessThan(body.length / 4);
    expect(gzip.length).toBeLessThan(body.length / 4);
    expect(brotliDecompressSync(br).equals(body)).toBe(true);
    expect(gunzipSync(gzip).equals(body)).toBe(true);
  });
});
