import type { QueryClient } from '@tanstack/react-query';
import type { TRPCClient } from '@trpc/client';
import { createTRPCContext, type TRPCOptionsProxy } from '@trpc/tanstack-react-query';
import type { FC, ReactNode } from 'react';
import type { AppRouter } from '@storefront/server';

export * from './index.js';

/**
 * The storefront's tRPC context for React on TanStack Query: wrap the app in
 * `<StorefrontProvider trpcClient={createStorefrontClient(…)} queryClient={queryClient}>`, then
 * `const trpc = useStorefront()` gives typed query options:
 * `useQuery(trpc.product.page.queryOptions({ sku }))`, `useMutation(trpc.cart.setItem.mutationOptions())`.
 */
const context = createTRPCContext<AppRouter>();

/** What StorefrontProvider takes: the client (createStorefrontClient) and TanStack Query's client. */
export interface StorefrontProviderProps {
  children: ReactNode;
  trpcClient: TRPCClient<AppRouter>;
  queryClient: QueryClient;
}

/** Provides the client and the query client to the components below it. */
export const StorefrontProvider: FC<StorefrontProviderProps> = context.TRPCProvider;
/** Typed query and mutation options (and query keys) for every procedure. */
export const useStorefront: () => TRPCOptionsProxy<AppRouter> = context.useTRPC;
/** The plain client of the provider, for calls outside TanStack Query. */
export const useStorefrontClient: () => TRPCClient<AppRouter> = context.useTRPCClient;
