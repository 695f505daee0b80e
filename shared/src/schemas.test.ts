import { describe, expect, it } from 'vitest';
import { currencyCodeSchema, skuSchema } from './schemas.js';

describe('skuSchema', () => {
  it('accepts SKUs of 1 to 32 characters of digits, letters and dashes, leading zeros kept', () => {
    for (const sku of ['0', '000123', '123', 'TR-2-RED', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ-01234']) {
      expect(skuSchema.parse(sku)).toBe(sku);
    }
  });

  it('rejects empty, too long and path-like SKUs', () => {
    for (const sku of ['', 'A'.repeat(33), '../etc', '123/456', '12 3', '%2e%2e', 'é']) {
      expect(skuSchema.safeParse(sku).success).toBe(false);
    }
  });
});

describe('currencyCodeSchema', () => {
  it('accepts three upper-case letters and nothing else', () => {
    expect(currencyCodeSchema.safeParse('JPY').success).toBe(true);
    for (const code of ['jpy', 'EURO', 'E1R', ''])
      expect(currencyCodeSchema.safeParse(code).success).toBe(false);
  });
});
