import type { CatalogProduct } from '../../data/model.js';
import type { SandboxStore } from '../../data/store.js';
import { intParam, SKU_PATTERN } from '../../host/json-service.js';
import { createRouter, type Route } from '../../host/router.js';
import {
  json,
  type SandboxRequest,
  type SandboxResponse,
  type ServiceDefinition,
} from '../../host/types.js';
import { acceptOrder, type OrderRequest } from './place-order.js';
import { CatalogFault, type FaultCode } from './soap.js';

/** The JSON version takes at most this many SKUs per look-up, and this `limit` per search page. */
export const ERP_V2_MAX_ITEMS = 50;

const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';

/** An RFC 9457 problem: `type`, `title`, `status` and the fields the ERP adds (a SKU). */
function problem(
  status: number,
  type: string,
  title: string,
  extra: Record<string, unknown> = {},
): SandboxResponse {
  return json(status, { type, title, status, ...extra }, { 'content-type': PROBLEM_TYPE });
}

const invalid = (detail: string): SandboxResponse =>
  problem(400, 'urn:erp:problem:invalid-request', 'Invalid request', { detail });

/** How v2 answers the faults v1 answers with a SOAP fault. */
const PROBLEMS: Record<FaultCode, { status: number; type: string; title: string }> = {
  PRODUCT_NOT_FOUND: {
    status: 404,
    type: 'urn:erp:problem:product-not-found',
    title: 'Product not found',
  },
  OUT_OF_STOCK: { status: 409, type: 'urn:erp:problem:out-of-stock', title: 'Out of stock' },
  UNKNOWN_SKU: { status: 422, type: 'urn:erp:problem:unknown-sku', title: 'Unknown SKU' },
  INVALID_ADDRESS: {
    status: 422,
    type: 'urn:erp:problem:invalid-address',
    title: 'Invalid address',
  },
  TOO_MANY_ITEMS: {
    status: 422,
    type: 'urn:erp:problem:too-many-lines',
    title: 'Too many lines',
  },
  INVALID_REQUEST: {
    status: 400,
    type: 'urn:erp:problem:invalid-request',
    title: 'Invalid request',
  },
  AUTH_FAILED: { status: 401, type: 'urn:erp:problem:unauthorized', title: 'Unauthorized' },
};

/** A weight in whole grams, exactly (`1.005` kg → 1005): the store holds at most three decimals. */
function grams(weight: NonNullable<CatalogProduct['weight']>): number {
  const [whole = '0', fraction = ''] = weight.value.trim().split('.');
  return weight.unit === 'kg'
    ? Number(whole) * 1000 + Number(fraction.padEnd(3, '0').slice(0, 3))
    : Number(whole);
}

/** v2 knows the roles `main` and `gallery` only. */
const mediaOf = (images: CatalogProduct['images']) =>
  (images ?? []).map((image) => ({
    kind: image.role === 'main' ? 'main' : 'gallery',
    url: image.href,
  }));

/** A full product as v2 writes it: nulls for what v1 leaves out, grams, milliseconds since the epoch. */
export function productJson(product: CatalogProduct): Record<string, unknown> {
  return {
    sku: product.sku,
    lifecycle: product.status === 'ACTIVE' ? 'active' : 'discontinued',
    title: product.name,
    descriptionHtml: product.description?.text ?? null,
    brand: { name: product.brand },
    category: { code: product.category.code, label: product.category.name },
    attributes: (product.attributes ?? []).map((a) => ({ key: a.name, value: a.value })),
    media: mediaOf(product.images),
    weightGrams: product.weight ? grams(product.weight) : null,
    gtin: product.ean ?? null,
    modifiedAt: Date.parse(product.updatedAt.trim()),
    // Fields the document does not name, which a reader must ignore.
    ...(product.extraElements
      ? { legacyCode: `LX-${product.sku}`, internal: { audit: true } }
      : {}),
  };
}

/** A search result's summary: the main image only. */
function summaryJson(product: CatalogProduct): Record<string, unknown> {
  return {
    sku: product.sku,
    lifecycle: product.status === 'ACTIVE' ? 'active' : 'discontinued',
    title: product.name,
    brand: { name: product.brand },
    category: { code: product.category.code, label: product.category.name },
    media: mediaOf(product.images?.filter((image) => image.role === 'main')),
  };
}

/** The repeated `sku` parameter: 1 to 50 SKUs of the right form, or why not. */
function skusOf(request: SandboxRequest): string[] | SandboxResponse {
  const skus = request.query.getAll('sku');
  if (skus.length === 0) return invalid('sku is required');
  if (skus.length > ERP_V2_MAX_ITEMS)
    return invalid(`At most ${String(ERP_V2_MAX_ITEMS)} sku per call`);
  if (!skus.every((sku) => SKU_PATTERN.test(sku))) return invalid('a sku is malformed');
  return [...new Set(skus)];
}

/** The order body's text fields, '' when not text. */
const textOf = (value: unknown): string => (typeof value === 'string' ? value : '');

function orderRequestOf(body: string, key: string): OrderRequest | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const order = parsed as Record<string, unknown>;
  const shipTo = (
    typeof order.shipTo === 'object' && order.shipTo !== null ? order.shipTo : {}
  ) as Record<string, unknown>;
  const lines = Array.isArray(order.lines) ? (order.lines as unknown[]) : [];
  return {
    clientReference: key,
    customerId: textOf(order.customerId),
    currency: textOf(order.currency),
    lines: lines.map((line) => {
      const { sku, qty } = (typeof line === 'object' && line !== null ? line : {}) as Record<
        string,
        unknown
      >;
      return typeof sku === 'string' && Number.isInteger(qty)
        ? { sku, quantity: Number(qty) }
        : undefined;
    }),
    shipTo: {
      name: textOf(shipTo.name),
      street: textOf(shipTo.street),
      city: textOf(shipTo.city),
      postalCode: textOf(shipTo.postalCode),
      country: textOf(shipTo.countryCode),
    },
  };
}

/**
 * The ERP catalog's JSON version (docs/upstreams.md, "ERP catalog v2") over the same store as the
 * SOAP one: the same products, stock (it reports `onHand` and `reserved`, v1 what can be sold)
 * and orders (an `Idempotency-Key` and a v1 `ClientReference` with the same value are one key).
 */
export function createErpV2Service(store: SandboxStore, apiKey: string): ServiceDefinition {
  const { catalog } = store;
  const routes: Route[] = [
    {
      method: 'GET',
      pattern: '/v2/products:search',
      operation: 'searchProducts',
      handle(request) {
        const limit = intParam(request.query, 'limit', 1, ERP_V2_MAX_ITEMS);
        const offset = intParam(request.query, 'offset', 0, 999_999);
        if (limit === null || offset === null)
          return invalid(`limit is 1 to ${String(ERP_V2_MAX_ITEMS)}, offset from 0`);
        const query = (request.query.get('q') ?? '').trim().toLowerCase();
        const category = (request.query.get('category') ?? '').trim();
        const matches = catalog.ordered.filter(
          (p) =>
            (category === '' || p.category.code.trim() === category) &&
            (query === '' ||
              p.name.trim().toLowerCase().includes(query) ||
              p.brand.trim().toLowerCase().includes(query)),
        );
        const from = offset ?? 0;
        return json(200, {
          total: matches.length,
          items: matches.slice(from, from + (limit ?? 20)).map(summaryJson),
        });
      },
    },
    {
      method: 'GET',
      pattern: '/v2/products/:sku',
      operation: 'getProduct',
      handle(_request, params) {
        const sku = params.sku ?? '';
        const product = catalog.bySku.get(sku);
        if (!product)
          return problem(404, PROBLEMS.PRODUCT_NOT_FOUND.type, 'Product not found', { sku });
        return json(200, productJson(product));
      },
    },
    {
      method: 'GET',
      pattern: '/v2/products',
      operation: 'getProducts',
      handle(request) {
        const skus = skusOf(request);
        if (!Array.isArray(skus)) return skus;
        const found = skus.flatMap((sku) => catalog.bySku.get(sku) ?? []);
        // Any order: reversed, as v1's GetProducts answers, so nobody relies on it.
        return json(200, {
          items: found.reverse().map(productJson),
          missing: skus.filter((sku) => !catalog.bySku.has(sku)),
        });
      },
    },
    {
      method: 'GET',
      pattern: '/v2/stock',
      operation: 'getStock',
      handle(request) {
        const skus = skusOf(request);
        if (!Array.isArray(skus)) return skus;
        return json(200, {
          levels: skus.flatMap((sku) =>
            (store.stock.get(sku) ?? []).map((row) => {
              const reserved = row.reserved ?? 0;
              // What v1 reports is what can be sold; v2 reports what is on hand and what is held.
              return {
                sku,
                warehouse: row.warehouse,
                onHand: Math.max(0, row.quantity) + reserved,
                reserved,
              };
            }),
          ),
        });
      },
    },
    {
      method: 'POST',
      pattern: '/v2/orders',
      operation: 'placeOrder',
      handle(request) {
        const key = request.headers['idempotency-key'];
        if (typeof key !== 'string' || key.trim() === '')
          return invalid('Idempotency-Key is required');
        if (!/^application\/json\b/i.test(request.headers['content-type'] ?? ''))
          return problem(415, 'urn:erp:problem:unsupported-media-type', 'Send JSON');
        const order = orderRequestOf(request.body, key);
        if (!order) return invalid('The body is not a JSON object');
        try {
          const { confirmation, replayed } = acceptOrder(store, order);
          const [whole = '0', cents = '00'] = confirmation.total.split('.');
          return json(
            replayed ? 200 : 201,
            {
              orderNumber: confirmation.orderNo,
              state: confirmation.status.toLowerCase(),
              total: {
                amountMinor: Number(whole) * 100 + Number(cents),
                currency: confirmation.currency,
              },
              deliveryDate: confirmation.estimatedDelivery,
            },
            replayed ? { 'idempotent-replayed': 'true' } : {},
          );
        } catch (error) {
          if (!(error instanceof CatalogFault)) throw error;
          const { status, type, title } = PROBLEMS[error.code];
          return problem(status, type, title, error.sku === undefined ? {} : { sku: error.sku });
        }
      },
    },
  ];
  const router = createRouter(routes);

  return {
    name: 'erp-v2',
    operationOf(request) {
      const match = router.match(request);
      return match && 'route' in match ? match.route.operation : 'unknown';
    },
    handle(request) {
      // Its own key check: a refusal is a problem document, as every error of v2 is.
      if (request.headers['x-api-key'] !== apiKey)
        return problem(401, PROBLEMS.AUTH_FAILED.type, 'Unauthorized');
      const match = router.match(request);
      if (!match) return problem(404, 'urn:erp:problem:not-found', 'Not found');
      if ('methodNotAllowed' in match)
        return problem(405, 'urn:erp:problem:method-not-allowed', 'Method not allowed');
      return match.route.handle(request, match.params);
    },
    errorResponse: (status) =>
      problem(status, 'about:blank', status === 429 ? 'Too many requests' : 'Service error'),
  };
}
