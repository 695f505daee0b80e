/**
 * The storefront BFF server. Its procedures, upstream clients and HTTP host arrive with the next
 * foundation issue; until then this package only proves that the workspace builds it.
 */
export const SERVER_PACKAGE = '@storefront/server';
