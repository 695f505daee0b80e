/**
 * The REST face's routes: each stands for one procedure, which it calls through tRPC's
 * `createCaller`, so that auth, limits, caching headers and errors are the procedure's own. The
 * procedure's input is put together from the path's parameters (`{sku}`), the query string and,
 * for a route with a body, the JSON body's fields.
 */
export interface Route {
  method: 'GET' | 'PUT' | 'POST';
  /** A path under the host, with `{name}` for a parameter that fills the input field `name`. */
  path: string;
  procedure: string;
  /** The input fields a JSON body carries (a route without them takes no body). */
  body?: readonly string[];
  /** The request needs a signed-in user (`Authorization: Bearer …`). */
  signedIn: boolean;
  /** HTTP statuses of errors this route may answer beyond every route's. */
  errors: readonly number[];
  /** One line for the OpenAPI document. */
  summary: string;
  operationId: string;
}

export const REST_PREFIX = '/api/v1/';

export const ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: '/api/v1/products/{sku}',
    procedure: 'product.page',
    signedIn: false,
    errors: [404],
    summary: 'A product page: the product with its price, stock, reviews and recommendations',
    operationId: 'getProductPage',
  },
  {
    method: 'GET',
    path: '/api/v1/products',
    procedure: 'product.search',
    signedIn: false,
    errors: [],
    summary: "Products matching a text and/or category, a page at a time, in the ERP's order",
    operationId: 'searchProducts',
  },
  {
    method: 'GET',
    path: '/api/v1/fx-rates',
    procedure: 'fx.rates',
    signedIn: false,
    errors: [],
    summary: "The day's exchange rates from EUR",
    operationId: 'getFxRates',
  },
  {
    method: 'GET',
    path: '/api/v1/cart',
    procedure: 'cart.get',
    signedIn: true,
    errors: [],
    summary: "The signed-in user's cart",
    operationId: 'getCart',
  },
  {
    method: 'PUT',
    path: '/api/v1/cart/items/{sku}',
    procedure: 'cart.setItem',
    body: ['quantity', 'expectedVersion'],
    signedIn: true,
    errors: [409],
    summary: "Sets a product's quantity in the cart (0 removes the line); answers the cart",
    operationId: 'setCartItem',
  },
  {
    method: 'GET',
    path: '/api/v1/account/dashboard',
    procedure: 'account.dashboard',
    signedIn: true,
    errors: [404],
    summary: 'Profile, loyalty, recent orders, cart, wishlist, notifications and recommendations',
    operationId: 'getAccountDashboard',
  },
  {
    method: 'GET',
    path: '/api/v1/orders',
    procedure: 'orders.list',
    signedIn: true,
    errors: [],
    summary: "The signed-in user's orders",
    operationId: 'listOrders',
  },
  {
    method: 'POST',
    path: '/api/v1/orders',
    procedure: 'orders.place',
    body: ['shipTo', 'clientReference'],
    signedIn: true,
    errors: [409],
    summary:
      "Places the cart's lines as an order and empties the cart; the same clientReference places it once",
    operationId: 'placeOrder',
  },
];

/** The names of a path's parameters, in order (`/a/{sku}/b/{id}` → `["sku", "id"]`). */
export const parametersOf = (path: string): string[] =>
  [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? '');

/** A route's path as a matcher: its parameters' decoded values, or undefined when it does not match. */
export function pathMatcher(
  template: string,
): (path: string) => Record<string, string> | undefined | 'malformed' {
  const names = parametersOf(template);
  const pattern = new RegExp(
    `^${template
      .split(/\{[^}]+\}/)
      .map((literal) => literal.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
      .join('([^/]+)')}$`,
  );
  return (path) => {
    const match = pattern.exec(path);
    if (!match) return undefined;
    const values: Record<string, string> = {};
    try {
      names.forEach((name, index) => {
        values[name] = decodeURIComponent(match[index + 1] ?? '');
      });
    } catch {
      return 'malformed';
    }
    return values;
  };
}
