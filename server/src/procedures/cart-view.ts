import { CART_DEGRADABLE, type Cart } from '@storefront/shared';
import { multiply, sum } from '../domain/money.js';
import { mainImage } from '../domain/product.js';
import { aggregate, degradedOf, optional, required } from '../kit/aggregate.js';
import { createCatalogLookup } from '../upstreams/catalog-lookup.js';
import type { UpstreamCart } from '../upstreams/json/account-services.js';
import type { Context } from '../trpc.js';
import { converterOf, currencyConverter } from './currency.js';

/**
 * The cart as `cart.get` answers it: each line hydrated with name, image, unit price and line total
 * in `currency`, and availability (active and stock covering the quantity), from one GetProducts,
 * one GetStock and one prices call for all lines.
 */
export async function cartView(ctx: Context, cart: UpstreamCart, currency: string, signal: AbortSignal | undefined): Promise<Cart> {
  const { erp, pricing, fx } = ctx.upstreams;
  const { ERP_TIMEOUT_MS: erpBudget, PART_TIMEOUT_MS: partBudget } = ctx.config;
  const skus = cart.items.map((item) => item.sku);
  const lookup = createCatalogLookup({ erp, pricing }, signal ? { signal } : {});
  const load = <V>(loader: { ticket(s?: AbortSignal): { load(keys: readonly string[]): Promise<Map<string, V>> } }) => (s: AbortSignal) => loader.ticket(s).load(skus);

  const parts = await aggregate(
    {
      products: required(erpBudget, load(lookup.products)),
      stock: optional(partBudget, load(lookup.stock)),
      prices: optional(partBudget, load(lookup.prices)),
      convert: optional(partBudget, (s) => currencyConverter(currency, fx, s)),
    },
    { ...(signal ? { signal } : {}) },
  );
  const convert = converterOf(parts.convert);
  const failed = new Set<(typeof CART_DEGRADABLE)[number]>();
  if (!parts.prices.ok || !convert) failed.add('prices');
  if (!parts.stock.ok) failed.add('availability');

  const items = cart.items.map((item) => {
    const product = parts.products.get(item.sku);
    const price = parts.prices.ok ? parts.prices.value.get(item.sku) : undefined;
    const unitPrice = price && convert ? convert(price.amount) : null;
    const onHand = parts.stock.ok ? (parts.stock.value.get(item.sku) ?? []).reduce((total, row) => total + Math.max(0, row.quantity), 0) : 0;
    return {
      sku: item.sku,
      name: product?.Name ?? item.sku,
      image: product ? mainImage(product.Images) : null,
      quantity: item.quantity,
      unitPrice,
      lineTotal: unitPrice ? multiply(unitPrice, item.quantity) : null,
      available: product?.['@_status'] === 'ACTIVE' && parts.stock.ok && onHand >= item.quantity,
    };
  });
  const lineTotals = items.flatMap((item) => (item.lineTotal ? [item.lineTotal] : []));
  return {
    items,
    itemCount: items.reduce((total, item) => total + item.quantity, 0),
    subtotal: failed.has('prices') ? null : sum(lineTotals, currency),
    version: cart.version,
    degraded: degradedOf(CART_DEGRADABLE, failed),
  };
}

/** The signed-in user's currency: the asked one, else the profile's, else EUR when the profile cannot be had. */
export async function shopperCurrency(ctx: Context, userId: string, asked: string | undefined, signal: AbortSignal | undefined): Promise<string> {
  if (asked) return asked;
  try {
    return (await ctx.upstreams.accounts.getUser(userId, signal)).currency;
  } catch {
    return 'EUR';
  }
}
