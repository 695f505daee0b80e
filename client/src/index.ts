import { createTRPCClient, httpBatchLink, type TRPCClient } from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@storefront/server';
import superjson from 'superjson';

export type { AppRouter };
/** Inputs of every procedure: `RouterInputs['product']['page']`. */
export type RouterInputs = inferRouterInputs<AppRouter>;
/** Outputs of every procedure: `RouterOutputs['product']['page']`. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type {
  Money,
  ProductSummary,
  ProductPage,
  ProductPageInput,
  ProductSearch,
  ProductSearchInput,
  FxRates,
  AppErrorCode,
  Cart,
  CartSetItemInput,
  Dashboard,
  OrdersList,
  OrdersPlaceInput,
  OrderConfirmation,
} from '@storefront/shared';

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
}

export type StorefrontClient = TRPCClient<AppRouter>;

/** A typed client of the storefront BFF: batched over HTTP, superjson on the wire (Dates stay Dates). */
export function createStorefrontClient(options: StorefrontClientOptions): StorefrontClient {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: options.url,
        transformer: superjson,
        maxItems: options.maxBatchSize ?? 50,
        async headers() {
          const extra =
            typeof options.headers === 'function'
              ? await options.headers()
              : (options.headers ?? {});
          const token = options.getToken ? await options.getToken() : undefined;
          return token ? { ...extra, authorization: `Bearer ${token}` } : extra;
        },
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
    ],
  });
}
