import type { EcbRates } from '../upstreams/fx/client.js';
import type { FxClient } from '../upstreams/fx/client.js';
import { ApiError } from '../errors.js';
import { converterFor, type Converter } from '../domain/product.js';
import type { PartResult } from '../kit/aggregate.js';

/**
 * The converter for a request's currency. EUR never waits for FX. Another currency waits for the
 * day's rates: a currency the ECB file does not list is BAD_REQUEST; when FX fails, the converter
 * is undefined and prices degrade.
 */
export async function currencyConverter(currency: string, fx: FxClient, signal: AbortSignal): Promise<Converter> {
  if (currency === 'EUR') return converterFor('EUR', undefined);
  let day: EcbRates;
  try {
    day = await fx.getDailyRates(signal);
  } catch {
    return undefined;
  }
  if (!day.rates.has(currency)) throw new ApiError({ code: 'BAD_REQUEST', message: `Unknown currency ${currency}: EUR or one of the ECB's reference currencies` });
  return converterFor(currency, day.rates);
}

/** The converter from an optional `convert` part: an unknown currency fails the call, an FX failure degrades prices. */
export function converterOf(result: PartResult<Converter>): Converter {
  if (result.ok) return result.value;
  if (result.error instanceof ApiError) throw result.error;
  return undefined;
}
