import type { EcbRates, FxClient } from './client.js';

export interface DailyRatesOptions {
  /** How long one fetched file is used before the next fetch. */
  ttlMs: number;
  /** How long an older file may still be used while the FX service fails. @default 24 h */
  maxStaleMs?: number;
  /** @default Date.now */
  now?: () => number;
}

export interface DailyRates {
  /** The rates in force: fetched at most once per TTL, one fetch at a time. */
  get(signal?: AbortSignal): Promise<EcbRates>;
}

/** Keeps the day's ECB rates (published once a working day) so that a page does not fetch them each time. */
export function createDailyRates(client: FxClient, options: DailyRatesOptions): DailyRates {
  const now = options.now ?? Date.now;
  const maxStaleMs = options.maxStaleMs ?? 86_400_000;
  let current: { rates: EcbRates; fetchedAt: number } | undefined;
  let inFlight: Promise<EcbRates> | undefined;

  const refresh = (): Promise<EcbRates> => {
    inFlight ??= client
      .getDailyRates()
      .then((rates) => {
        current = { rates, fetchedAt: now() };
        return rates;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };

  return {
    async get(signal) {
      const age = current ? now() - current.fetchedAt : Infinity;
      if (current && age < options.ttlMs) return current.rates;
      const pending = refresh();
      if (current && age < maxStaleMs) {
        // Serve the file we have while the new one is fetched; a failure keeps the old one.
        pending.catch(() => undefined);
        return current.rates;
      }
      // The shared fetch is not cancelled by one caller going away; this caller just stops waiting.
      if (!signal) return pending;
      return Promise.race([
        pending,
        new Promise<never>((_, reject) => {
          if (signal.aborted) reject(signal.reason as Error);
          signal.addEventListener('abort', () => {
            reject(signal.reason as Error);
          }, { once: true });
        }),
      ]);
    },
  };
}
