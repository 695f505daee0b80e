import type { Money } from '@storefront/shared';

/** ISO 4217 minor units of the ECB's currencies: 0 for JPY, KRW and ISK, 2 for every other one (and EUR). */
export function minorUnits(currency: string): number {
  return currency === 'JPY' || currency === 'KRW' || currency === 'ISK' ? 0 : 2;
}

interface Decimal {
  /** The digits as an integer: 129.90 → 12990n. */
  units: bigint;
  /** Digits after the point: 129.90 → 2. */
  scale: number;
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

function parseDecimal(text: string): Decimal {
  const match = DECIMAL.exec(text.trim());
  if (!match) throw new RangeError(`not a decimal: ${text}`);
  const [, sign = '', whole = '0', fraction = ''] = match;
  const units = BigInt(whole + fraction);
  return { units: sign ? -units : units, scale: fraction.length };
}

/** Rounds to `digits` decimals, half away from zero, and writes it with exactly that many. */
function format(value: Decimal, digits: number): string {
  let units = value.units;
  if (value.scale > digits) {
    const divisor = 10n ** BigInt(value.scale - digits);
    const negative = units < 0n;
    const magnitude = negative ? -units : units;
    let quotient = magnitude / divisor;
    if ((magnitude % divisor) * 2n >= divisor) quotient += 1n;
    units = negative ? -quotient : quotient;
  } else {
    units *= 10n ** BigInt(digits - value.scale);
  }
  const negative = units < 0n;
  const text = (negative ? -units : units).toString().padStart(digits + 1, '0');
  const whole = text.slice(0, text.length - digits);
  const fraction = text.slice(text.length - digits);
  return `${negative ? '-' : ''}${whole}${digits > 0 ? `.${fraction}` : ''}`;
}

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

/** Shifts a decimal string by a power of ten, exactly: `shift('1.005', 3)` → 1005. */
export function shiftDecimal(text: string, places: number): number {
  const value = parseDecimal(text);
  const scale = value.scale - places;
  if (scale <= 0) return Number(value.units * 10n ** BigInt(-scale));
  return Number(format({ units: value.units, scale }, scale));
}
