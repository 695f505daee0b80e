import { describe, expect, it } from 'vitest';
import { assertKnownCurrency, converterFor, ratesView, UnknownCurrencyError } from './currency.js';

const rates = new Map([
  ['USD', '1.0921'],
  ['JPY', '162.89'],
]);

describe('converterFor', () => {
  it('converts EUR without any rates, to two decimals', () => {
    expect(converterFor('EUR', undefined)?.('129.9')).toEqual({
      amount: '129.90',
      currencyCode: 'EUR',
    });
  });

  it("converts with the day's rate, rounding half away from zero to the currency's minor unit", () => {
    expect(converterFor('USD', rates)?.('129.90')).toEqual({
      amount: '141.86',
      currencyCode: 'USD',
    });
    expect(converterFor('JPY', rates)?.('129.90')).toEqual({
      amount: '21159',
      currencyCode: 'JPY',
    });
  });

  it('has no converter for a currency whose rate is not at hand', () => {
    expect(converterFor('USD', undefined)).toBeUndefined();
    expect(converterFor('CHF', rates)).toBeUndefined();
  });
});

describe('assertKnownCurrency', () => {
  it('accepts EUR always and a currency the rates list', () => {
    expect(() => {
      assertKnownCurrency('EUR', new Map());
      assertKnownCurrency('USD', rates);
    }).not.toThrow();
  });

  it('refuses a currency the day’s rates do not list', () => {
    expect(() => {
      assertKnownCurrency('XYZ', rates);
    }).toThrow(UnknownCurrencyError);
  });

  it('says nothing without the rates (FX failed: prices degrade instead)', () => {
    expect(() => {
      assertKnownCurrency('XYZ', undefined);
    }).not.toThrow();
  });
});

describe('ratesView', () => {
  it("answers the day's rates as numbers with base EUR", () => {
    expect(ratesView({ date: '2026-11-25', rates })).toEqual({
      date: '2026-11-25',
      base: 'EUR',
      rates: { USD: 1.0921, JPY: 162.89 },
    });
  });
});
