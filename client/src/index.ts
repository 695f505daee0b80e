import {
  TRPCClientError,
  createTRPCClient,
  httpBatchLink,
  httpBatchStreamLink,
  isTRPCClientError,
  type TRPCClient,
} from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@storefront/server';
import type { AppErrorCode, AppErrorDetails } from '@storefront/shared';
import superjson from 'superjson';

export type { AppRouter, AppErrorCode, AppErrorDetails };
export { TRPCClientError };
/** Inputs of every procedure: `RouterInputs['product']['page']`. */
export type RouterInputs = inferRouterInputs<AppRouter>;
/** Outputs of every procedure: `RouterOutputs['product']['page']`. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;

// The API's named types, read off the router (so the bundled declarations need no zod).
export type ProductPageInput = RouterInputs['product']['page'];
export type ProductPage = RouterOutputs['product']['page'];
/** `product.pageProgressive`: `later` is a promise (streamed, or already resolved over a plain link). */
export type ProductPageProgressive = RouterOutputs['product']['pageProgressive'];
export type ProductPageLater = Awaited<ProductPageProgressive['later']>;
export type ProductSummary = ProductPage['recommendations'][number];
/** An exact amount: `amount` is a decimal string in the currency's minor-unit precision. */
export type Money = NonNullable<ProductPage['price']>['current'];
export type ProductSearchInput = RouterInputs['product']['search'];
export type ProductSearch = RouterOutputs['product']['search'];
export type FxRates = RouterOutputs['fx']['rates'];
export type CartSetItemInput = RouterInputs['cart']['setItem'];
export type Cart = RouterOutputs['cart']['get'];
export type Dashboard = RouterOutputs['account']['dashboard'];
export type OrdersList = RouterOutputs['orders']['list'];
export type OrdersPlaceInput = RouterInputs['orders']['place'];
export type OrderConfirmation = RouterOutputs['orders']['place'];

/** Every `error.data.appCode` the BFF answers with (it is null on errors without one). */
export type AppCode = AppErrorCode;

/** The fields of `error.data` that only some app codes carry. */
type DetailField = {
  [C in keyof AppErrorDetails]: keyof AppErrorDetails[C];
}[keyof AppErrorDetails];

/** `error.data` of an error with app code C: its fields, narrowed (`sku` on `OUT_OF_STOCK`…). */
export type StorefrontErrorData<C extends AppCode> = Omit<
  NonNullable<TRPCClientError<AppRouter>['data']>,
  'appCode' | DetailField
> & { appCode: C } & (C extends keyof AppErrorDetails ? AppErrorDetails[C] : unknown);

/** A tRPC client error whose `data.appCode` is C. */
export type StorefrontError<C extends AppCode = AppCode> = Omit<
  TRPCClientError<AppRouter>,
  'data'
> & { readonly data: StorefrontErrorData<C> };

/**
 * True when `error` is an error of the BFF with app code `code`, and then typed by it:
 * `isStorefrontError(e, 'OUT_OF_STOCK')` makes `e.data.sku` a string, `'RATE_LIMITED'` gives
 * `e.data.retryAfterSeconds`. An app code the BFF does not have does not compile.
 */
export function isStorefrontError<C extends AppCode>(
  error: unknown,
  code: C,
): error is StorefrontError<C> {
  if (!isTRPCClientError(error)) return false;
  const data: unknown = error.data;
  return typeof data === 'object' && data !== null && 'appCode' in data && data.appCode === code;
}

export type HeadersInit = Record<string, string | undefined>;

export interface StorefrontClientOptions {
  /** The BFF's tRPC endpoint, such as `https://bff.example.com/trpc`. */
  url: string;
  /** Extra headers on every request (a function is called per request and may be async). */
  headers?: HeadersInit | (() => HeadersInit | Promise<HeadersInit>);
  /**
   * The signed-in shopper's token from the identity provider (sync or async, called per request);
   * sent as `Authorization: Bearer …`. Nothing is sent when it gives null or undefined.
   */
  getToken?: () => string | null | undefined | Promise<string | null | undefined>;
  /** The fetch to use. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Most calls in one batch; keep it at or below the server's MAX_BATCH_SIZE. @default 50 */
  maxBatchSize?: number;
  /**
   * Stream answers (tRPC's `httpBatchStreamLink`): a batch's fast answers arrive before its slow
   * ones, and `product.pageProgressive`'s `later` arrives after the rest of the page. Streamed
   * answers carry no `Server-Timing` and are never kept by CDNs. @default false
   */
  stream?: boolean;
}

export type StorefrontClient = TRPCClient<AppRouter>;

/** A typed client of the storefront BFF: batched over HTTP (streamed with `stream`), superjson on the wire (Dates stay Dates). */
export function createStorefrontClient(options: StorefrontClientOptions): StorefrontClient {
  const link = {
    url: options.url,
    transformer: superjson,
    maxItems: options.maxBatchSize ?? 50,
    async headers() {
      const extra =
        typeof options.headers === 'function' ? await options.headers() : (options.headers ?? {});
      const token = options.getToken ? await options.getToken() : undefined;
      return token ? { ...extra, authorization: `Bearer ${token}` } : extra;
    },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };
  return createTRPCClient<AppRouter>({
    links: [options.stream ? httpBatchStreamLink(link) : httpBatchLink(link)],
  });
}
