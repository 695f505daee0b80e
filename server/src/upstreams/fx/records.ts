import type { CallOptions } from '../../kit/upstream/upstream.js';

/** What the FX client answers (./client.ts): a plain record, no parsed-XML keys. */

/** The day's euro reference rates, kept as the decimal strings the ECB wrote. */
export interface EcbRates {
  date: string;
  /** Units of the currency per 1 EUR, exact: `'1.0921'`. */
  rates: ReadonlyMap<string, string>;
}

export interface FxClient {
  getDailyRates(call?: CallOptions): Promise<EcbRates>;
}
