/**
 * Exact decimal arithmetic on decimal strings (amounts, weights): digits as a bigint and a scale,
 * never binary floating point.
 */

/** ISO 4217 minor units of the ECB's currencies: 0 for JPY, KRW and ISK, 2 for every other one (and EUR). */
export function minorUnits(currency: string): number {
  return currency === 'JPY' || currency === 'KRW' || currency === 'ISK' ? 0 : 2;
}

export interface Decimal {
  /** The digits as an integer: 129.90 → 12990n. */
  units: bigint;
  /** Digits after the point: 129.90 → 2. */
  scale: number;
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

export function parseDecimal(text: string): Decimal {
  const match = DECIMAL.exec(text.trim());
  if (!match) throw new RangeError(`not a decimal: ${text}`);
  const [, sign = '', whole = '0', fraction = ''] = match;
  const units = BigInt(whole + fraction);
  return { units: sign ? -units : units, scale: fraction.length };
}

/** Rounds to `digits` decimals, half away from zero, and writes it with exactly that many. */
export function formatDecimal(value: Decimal, digits: number): string {
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

/** Shifts a decimal string by a power of ten, exactly: `shiftDecimal('1.005', 3)` → 1005. */
export function shiftDecimal(text: string, places: number): number {
  const value = parseDecimal(text);
  const scale = value.scale - places;
  if (scale <= 0) return Number(value.units * 10n ** BigInt(-scale));
  return Number(formatDecimal({ units: value.units, scale }, scale));
}

/** An integer amount in a currency's minor unit as a decimal string: (25980, 'EUR') → "259.80", (16289, 'JPY') → "16289". */
export function fromMinorUnits(amountMinor: number, currency: string): string {
  const digits = minorUnits(currency);
  return formatDecimal({ units: BigInt(amountMinor), scale: digits }, digits);
}
