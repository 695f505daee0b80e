/**
 * The typed client of the storefront BFF. `createStorefrontClient` arrives with the next
 * foundation issue; until then this package only proves that the workspace builds it.
 */
export const CLIENT_PACKAGE = '@storefront/client';
