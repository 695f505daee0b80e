/** The BFF's tRPC endpoint: another origin than the app's, so the browser goes through CORS. */
export const BFF_URL: string =
  (import.meta.env.VITE_BFF_URL as string | undefined) ?? 'http://127.0.0.1:3000/trpc';

/**
 * The identity provider's token endpoint, through the app's own server (Vite's proxy): the
 * identity provider answers no CORS, as many do.
 */
export const TOKEN_URL = '/idp/token';

export const CURRENCIES = ['EUR', 'USD', 'GBP', 'JPY', 'CHF'] as const;
