import { CART_DEGRADABLE, type Cart } from '@storefront/shared';
import type { PartResult } from '../kit/aggregate.js';
import type { StoredCart } from '../upstreams/cart/records.js';
import type { CatalogProduct, StockRow } from '../upstreams/erp/records.js';
import type { Price } from '../upstreams/pricing/records.js';
import type { Converter } from './currency.js';
import { degradedOf } from './degraded.js';
import { multiply, sum } from './money.js';
import { mainImage } from './product.js';

/** What a cart view is built from: the stored cart, its SKUs' products, and stock and prices as they came back. */
export interface CartParts {
  cart: StoredCart;
  currency: string;
  products: ReadonlyMap<string, CatalogProduct>;
  stock: PartResult<ReadonlyMap<string, readonly StockRow[]>>;
  prices: PartResult<ReadonlyMap<string, Price>>;
  /** Undefined when FX could not convert: prices degrade. */
  convert: Converter | undefined;
}

/**
 * The cart as `cart.get` answers it: each line with name, image, unit price and line total in the
 * cart's currency (the rounded unit price × the quantity), and `available` when the product is
 * active and its stock covers the quantity. Without prices the subtotal is null and `prices` is
 * degraded; without stock nothing is available and `availability` is degraded.
 */
export function cartView(parts: CartParts): Cart {
  const { cart, products, stock, prices, convert } = parts;
  const failed = new Set<(typeof CART_DEGRADABLE)[number]>();
  if (!prices.ok || !convert) failed.add('prices');
  if (!stock.ok) failed.add('availability');

  const items = cart.items.map((item) => {
    const product = products.get(item.sku);
    const price = prices.ok ? prices.value.get(item.sku) : undefined;
    const unitPrice = price && convert ? convert(price.amount) : null;
    const onHand = stock.ok
      ? (stock.value.get(item.sku) ?? []).reduce(
          (total, row) => total + Math.max(0, row.quantity),
          0,
        )
      : 0;
    return {
      sku: item.sku,
      name: product?.name ?? item.sku,
      image: product ? mainImage(product.images) : null,
      quantity: item.quantity,
      unitPrice,
      lineTotal: unitPrice ? multiply(unitPrice, item.quantity) : null,
      available: product?.status === 'active' && stock.ok && onHand >= item.quantity,
    };
  });
  return {
    items,
    itemCount: items.reduce((total, item) => total + item.quantity, 0),
    subtotal: failed.has('prices')
      ? null
      : sum(
          items.flatMap((item) => (item.lineTotal ? [item.lineTotal] : [])),
          parts.currency,
        ),
    version: cart.version,
    degraded: degradedOf(CART_DEGRADABLE, failed),
  };
}
