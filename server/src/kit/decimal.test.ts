import { describe, expect, it } from 'vitest';
import { fromMinorUnits, minorUnits, shiftDecimal } from './decimal.js';

describe('shiftDecimal', () => {
  it('turns kilograms into grams exactly', () => {
    expect(shiftDecimal('1.005', 3)).toBe(1005);
    expect(shiftDecimal('0.35', 3)).toBe(350);
    expect(shiftDecimal('2', 3)).toBe(2000);
    expect(shiftDecimal('0.0005', 3)).toBe(0.5);
  });
});

describe('fromMinorUnits', () => {
  it("writes an amount in minor units with the currency's digits", () => {
    expect(minorUnits('JPY')).toBe(0);
    expect(fromMinorUnits(25980, 'EUR')).toBe('259.80');
    expect(fromMinorUnits(5, 'EUR')).toBe('0.05');
    expect(fromMinorUnits(0, 'EUR')).toBe('0.00');
    expect(fromMinorUnits(16289, 'JPY')).toBe('16289');
  });
});
