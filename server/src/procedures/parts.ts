import {
  assertKnownCurrency,
  converterFor,
  UnknownCurrencyError,
  type Converter,
} from '../domain/currency.js';
import type { PartResult } from '../kit/aggregate.js';
import type { CallOptions } from '../kit/upstream/upstream.js';
import type { AccountsClient } from '../upstreams/accounts/records.js';
import type { FxClient } from '../upstreams/fx/records.js';

/**
 * Parts that several procedures fetch the same way.
 */

/**
 * The converter for a request's currency, as an optional part: EUR never waits for FX; another
 * currency waits for the day's rates (a currency they do not list throws UnknownCurrencyError;
 * an FX failure gives undefined, and prices degrade).
 */
export const converterPart =
  (currency: string, fx: FxClient) =>
  async (call: CallOptions): Promise<Converter | undefined> => {
    if (currency === 'EUR') return converterFor('EUR', undefined);
    let rates: ReadonlyMap<string, string>;
    try {
      rates = (await fx.getDailyRates(call)).rates;
    } catch {
      return undefined;
    }
    assertKnownCurrency(currency, rates);
    return converterFor(currency, rates);
  };

/** The converter from a finished converter part: an unknown currency fails the call, anything else degrades prices. */
export function converterOf(result: PartResult<Converter | undefined>): Converter | undefined {
  if (result.ok) return result.value;
  if (result.error instanceof UnknownCurrencyError) throw result.error;
  return undefined;
}

/** The signed-in user's currency: the asked one, else the profile's, else EUR when the profile cannot be had. */
export async function shopperCurrency(
  accounts: AccountsClient,
  userId: string,
  asked: string | undefined,
  call: CallOptions,
): Promise<string> {
  if (asked) return asked;
  try {
    return (await accounts.getUser(userId, call))?.currency ?? 'EUR';
  } catch {
    return 'EUR';
  }
}
