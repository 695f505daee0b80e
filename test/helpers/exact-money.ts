import { FX_RATES } from '@storefront/sandbox';

/**
 * An independent oracle of docs/api.md's money rules for expected values in tests: exact decimal
 * arithmetic on BigInt (never binary floating point), rounding half away from zero to the
 * currency's minor unit (0 digits for JPY, KRW and ISK, 2 for every other).
 */

const NO_MINOR_UNIT = new Set(['JPY', 'KRW', 'ISK']);

export const minorDigits = (currency: string): number => (NO_MINOR_UNIT.has(currency) ? 0 : 2);

interface Scaled {
  units: bigint;
  scale: number;
}

function parse(decimal: string): Scaled {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(decimal.trim());
  if (!match) throw new Error(`not a decimal: ${decimal}`);
  const fraction = match[3] ?? '';
  return {
    units: BigInt(`${match[1] ?? ''}${match[2] ?? '0'}${fraction}`),
    scale: fraction.length,
  };
}

function roundTo({ units, scale }: Scaled, digits: number): bigint {
  if (scale <= digits) return units * 10n ** BigInt(digits - scale);
  const divisor = 10n ** BigInt(scale - digits);
  const magnitude = units < 0n ? -units : units;
  let quotient = magnitude / divisor;
  if (2n * (magnitude % divisor) >= divisor) quotient += 1n;
  return units < 0n ? -quotient : quotient;
}

function format(units: bigint, digits: number): string {
  const sign = units < 0n ? '-' : '';
  const text = (units < 0n ? -units : units).toString().padStart(digits + 1, '0');
  return digits === 0
    ? `${sign}${text}`
    : `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** The sandbox's ECB rate of a currency (units per 1 EUR). */
export function ecbRate(currency: string): string {
  const rate = FX_RATES.find((entry) => entry.currency === currency)?.rate;
  if (rate === undefined) throw new Error(`no ECB rate for ${currency}`);
  return rate;
}

/** An EUR amount in `currency`, rounded to its minor unit: `convert('0.50', 'JPY')` is `'81'`. */
export function convert(amountEur: string, currency: string): string {
  const digits = minorDigits(currency);
  const amount = parse(amountEur);
  if (currency === 'EUR') return format(roundTo(amount, digits), digits);
  const rate = parse(ecbRate(currency));
  return format(
    roundTo({ units: amount.units * rate.units, scale: amount.scale + rate.scale }, digits),
    digits,
  );
}

/** A rounded unit price × a quantity. */
export function times(unitPrice: string, quantity: number, currency: string): string {
  const digits = minorDigits(currency);
  return format(roundTo(parse(unitPrice), digits) * BigInt(quantity), digits);
}

/** The sum of amounts of one currency. */
export function sum(amounts: readonly string[], currency: string): string {
  const digits = minorDigits(currency);
  return format(
    amounts.reduce((total, amount) => total + roundTo(parse(amount), digits), 0n),
    digits,
  );
}

/** `{ amount, currencyCode }` as docs/api.md's Money. */
export const money = (
  amount: string,
  currencyCode: string,
): { amount: string; currencyCode: string } => ({ amount, currencyCode });
