import { isStorefrontError } from '@storefront/client';

/** What a degraded part means to a shopper, by its name in `degraded`. */
const DEGRADED_TEXT: Record<string, string> = {
  price: 'Prices are unavailable right now.',
  prices: 'Prices are unavailable right now.',
  availability: 'Stock information is unavailable right now.',
  reviews: 'Reviews are unavailable right now.',
  recommendations: 'Recommendations are unavailable right now.',
  loyalty: 'Your loyalty points are unavailable right now.',
  recentOrders: 'Your recent orders are unavailable right now.',
  cart: 'Your cart summary is unavailable right now.',
  wishlist: 'Your wishlist is unavailable right now.',
  notifications: 'Your notifications are unavailable right now.',
};

/** A friendly line per degraded part: the page still shows everything else. */
export function Degraded({ parts }: { parts: readonly string[] }) {
  if (parts.length === 0) return null;
  return (
    <ul className="degraded" aria-label="Unavailable parts">
      {parts.map((part) => (
        <li key={part} role="status">
          {DEGRADED_TEXT[part] ?? `Part of this page (${part}) is unavailable right now.`}
        </li>
      ))}
    </ul>
  );
}

/** An error as a shopper should read it, chosen by its app code with the client's typed helper. */
export function messageOf(error: unknown): string {
  if (isStorefrontError(error, 'RATE_LIMITED'))
    return `You are going a bit fast. Please try again in ${String(error.data.retryAfterSeconds)} seconds.`;
  if (isStorefrontError(error, 'PRODUCT_NOT_FOUND'))
    return error.data.sku
      ? `Product ${error.data.sku} is no longer sold.`
      : 'We could not find that product.';
  if (isStorefrontError(error, 'OUT_OF_STOCK'))
    return `There is not enough stock of ${error.data.sku} for your order.`;
  if (isStorefrontError(error, 'EMPTY_CART')) return 'Your cart is empty.';
  if (isStorefrontError(error, 'INVALID_ADDRESS'))
    return 'We cannot deliver to that address. Please check it.';
  if (isStorefrontError(error, 'VERSION_CONFLICT'))
    return 'Your cart changed in another window. We have loaded it again.';
  if (isStorefrontError(error, 'ORDER_IN_PROGRESS')) return 'Your order is already being placed.';
  if (isStorefrontError(error, 'ACCOUNT_NOT_FOUND')) return 'We could not find your account.';
  if (isStorefrontError(error, 'UPSTREAM_UNAVAILABLE') || isStorefrontError(error, 'OVERLOADED'))
    return 'Part of the shop is unavailable right now. Please try again shortly.';
  if (
    typeof error === 'object' &&
    error !== null &&
    'data' in error &&
    typeof error.data === 'object' &&
    error.data !== null &&
    'code' in error.data &&
    error.data.code === 'UNAUTHORIZED'
  )
    return 'Please sign in again.';
  return 'Something went wrong. Please try again.';
}

export function ErrorNotice({ error }: { error: unknown }) {
  return (
    <p role="alert" className="error">
      {messageOf(error)}
    </p>
  );
}

export function Money({ value }: { value: { amount: string; currencyCode: string } | null }) {
  if (!value) return <span>—</span>;
  return (
    <span>
      {value.amount} {value.currencyCode}
    </span>
  );
}
