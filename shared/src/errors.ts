/** `error.data.appCode` values of docs/api.md's error table. */
export const APP_ERROR_CODES = [
  'PRODUCT_NOT_FOUND',
  'OUT_OF_STOCK',
  'INVALID_ADDRESS',
  'EMPTY_CART',
  'VERSION_CONFLICT',
  'UPSTREAM_UNAVAILABLE',
  'RATE_LIMITED',
  'ACCOUNT_NOT_FOUND',
  'OVERLOADED',
  'ORDER_IN_PROGRESS',
] as const;

export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

/**
 * What `error.data` carries beside `appCode`, by app code: the SKU of the cart line an order was
 * refused for (`PRODUCT_NOT_FOUND` has one only at `orders.place`), and when a rate-limited client
 * may call again.
 */
export interface AppErrorDetails {
  OUT_OF_STOCK: { sku: string };
  PRODUCT_NOT_FOUND: { sku?: string };
  RATE_LIMITED: { retryAfterSeconds: number };
}
