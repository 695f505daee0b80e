import type { FxRates, Money } from '@storefront/shared';
import type { EcbRates } from '../upstreams/fx/records.js';
import { convertFromEur } from './money.js';

/** Converts EUR amounts into one currency, exactly. */
export type Converter = (amountEur: string) => Money;

/** A currency asked for that is neither EUR nor listed in the day's ECB file. */
export class UnknownCurrencyError extends Error {
  override readonly name = 'UnknownCurrencyError';
  constructor(readonly currency: string) {
    super(`Unknown currency ${currency}: EUR or one of the ECB's reference currencies`);
  }
}

/** The converter into `currency`: EUR needs no rates; any other currency is undefined while its rate is not at hand. */
export function converterFor(
  currency: string,
  rates: ReadonlyMap<string, string> | undefined,
): Converter | undefined {
  if (currency === 'EUR') return (amount) => convertFromEur(amount, 'EUR', undefined);
  const rate = rates?.get(currency);
  return rate === undefined ? undefined : (amount) => convertFromEur(amount, currency, rate);
}

/**
 * Whether a currency asked for is known: EUR always; another one when the day's rates list it.
 * Without the rates (FX failed) nothing can be said, and prices degrade instead.
 */
export function assertKnownCurrency(
  currency: string,
  rates: ReadonlyMap<string, string> | undefined,
): void {
  if (currency !== 'EUR' && rates !== undefined && !rates.has(currency))
    throw new UnknownCurrencyError(currency);
}

/** `fx.rates`: the day's file as numbers per currency. */
export function ratesView(day: EcbRates): FxRates {
  return {
    date: day.date,
    base: 'EUR',
    rates: Object.fromEntries([...day.rates].map(([currency, rate]) => [currency, Number(rate)])),
  };
}
