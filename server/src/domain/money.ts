import type { Money } from '@storefront/shared';
import { formatDecimal as format, minorUnits, parseDecimal } from '../kit/decimal.js';

/**
 * A EUR amount in `currency`: amount × rate exactly (never binary floating point), rounded half
 * away from zero to the currency's minor unit. `rate` is units of the currency per 1 EUR; EUR
 * itself takes no rate.
 */
export function convertFromEur(
  amountEur: string,
  currency: string,
  rate: string | undefined,
): Money {
  const amount = parseDecimal(amountEur);
  if (currency === 'EUR') return { amount: format(amount, 2), currencyCode: 'EUR' };
  if (rate === undefined) throw new RangeError(`no rate for ${currency}`);
  const factor = parseDecimal(rate);
  return {
    amount: format(
      { units: amount.units * factor.units, scale: amount.scale + factor.scale },
      minorUnits(currency),
    ),
    currencyCode: currency,
  };
}

/** A rounded unit price × a quantity (a line total), exact. */
export function multiply(money: Money, quantity: number): Money {
  const value = parseDecimal(money.amount);
  return {
    amount: format(
      { units: value.units * BigInt(quantity), scale: value.scale },
      minorUnits(money.currencyCode),
    ),
    currencyCode: money.currencyCode,
  };
}

/** The sum of amounts of one currency, exact. */
export function sum(amounts: readonly Money[], currency: string): Money {
  const digits = minorUnits(currency);
  let total = 0n;
  for (const money of amounts) {
    if (money.currencyCode !== currency)
      throw new RangeError(`cannot add ${money.currencyCode} to ${currency}`);
    const value = parseDecimal(money.amount);
    total += value.units * 10n ** BigInt(digits - Math.min(value.scale, digits));
  }
  return { amount: format({ units: total, scale: digits }, digits), currencyCode: currency };
}
