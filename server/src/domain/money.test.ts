import { describe, expect, it } from 'vitest';
import { convertFromEur, multiply, sum } from './money.js';

describe('convertFromEur', () => {
  it('keeps EUR amounts as they are, with two decimals', () => {
    expect(convertFromEur('129.90', 'EUR', undefined)).toEqual({
      amount: '129.90',
      currencyCode: 'EUR',
    });
    expect(convertFromEur('5', 'EUR', undefined)).toEqual({ amount: '5.00', currencyCode: 'EUR' });
  });

  it('multiplies exactly and rounds half away from zero to two decimals', () => {
    // 129.90 × 1.0921 = 141.86379 → 141.86
    expect(convertFromEur('129.90', 'USD', '1.0921')).toEqual({
      amount: '141.86',
      currencyCode: 'USD',
    });
    // 0.50 × 1.0925 = 0.54625 → 0.55 (the 5 in the third place rounds up)
    expect(convertFromEur('0.50', 'USD', '1.0925')).toEqual({
      amount: '0.55',
      currencyCode: 'USD',
    });
    // 1.005 × 1 is exactly halfway: binary floating point would give 1.00
    expect(convertFromEur('1.005', 'GBP', '1')).toEqual({ amount: '1.01', currencyCode: 'GBP' });
  });

  it('rounds to whole units for JPY, KRW and ISK', () => {
    expect(convertFromEur('0.50', 'JPY', '163')).toEqual({ amount: '82', currencyCode: 'JPY' }); // 81.5 → 82
    expect(convertFromEur('0.50', 'JPY', '162.89')).toEqual({ amount: '81', currencyCode: 'JPY' }); // 81.445 → 81
    expect(convertFromEur('100.00', 'KRW', '1523.47')).toEqual({
      amount: '152347',
      currencyCode: 'KRW',
    });
    expect(convertFromEur('10.00', 'ISK', '149.70')).toEqual({
      amount: '1497',
      currencyCode: 'ISK',
    });
  });

  it('refuses a foreign currency without a rate', () => {
    expect(() => convertFromEur('1.00', 'USD', undefined)).toThrow(RangeError);
  });
});

describe('multiply and sum', () => {
  it('gives line totals and subtotals exactly', () => {
    expect(multiply({ amount: '0.10', currencyCode: 'EUR' }, 3)).toEqual({
      amount: '0.30',
      currencyCode: 'EUR',
    });
    expect(multiply({ amount: '82', currencyCode: 'JPY' }, 3)).toEqual({
      amount: '246',
      currencyCode: 'JPY',
    });
    expect(
      sum(
        [
          { amount: '0.10', currencyCode: 'EUR' },
          { amount: '0.20', currencyCode: 'EUR' },
        ],
        'EUR',
      ),
    ).toEqual({ amount: '0.30', currencyCode: 'EUR' });
    expect(sum([], 'JPY')).toEqual({ amount: '0', currencyCode: 'JPY' });
  });
});
