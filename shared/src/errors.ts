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
