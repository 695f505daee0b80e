import type { z } from 'zod';
import { askInChunks, decodeJson, segment } from '../../kit/upstream/json.js';
import type { Upstream, UpstreamAnswer } from '../../kit/upstream/upstream.js';
import { UpstreamError } from '../../kit/upstream/upstream-error.js';
import {
  ERP_OPERATION,
  type CatalogProduct,
  type ErpClient,
  type OrderOutcome,
  type StockRow,
} from '../erp/records.js';
import {
  ORDER_REFUSALS,
  orderResponse,
  problem,
  PRODUCT_NOT_FOUND,
  product,
  productsResponse,
  searchResponse,
  stockResponse,
} from './schemas.js';

/** The JSON version takes at most this many SKUs per batch look-up and stock call. */
export const ERP_V2_MAX_SKUS_PER_CALL = 50;

/** The problem an error answer holds, if it is one (its type, and a SKU it names). */
function problemOf(answer: UpstreamAnswer): z.output<typeof problem> | undefined {
  try {
    const read = problem.safeParse(JSON.parse(answer.text));
    return read.success ? read.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The ERP's JSON version (`X-Api-Key` on every call, added by its upstream): the same records and
 * outcomes as the SOAP client, so nothing above the upstreams knows which version answered.
 * "Product not found" and an order's refusals (RFC 9457 problems) are outcomes; any other error
 * answer is a failure of the ERP.
 */
export function createErpV2Client(upstream: Upstream): ErpClient {
  return {
    getProduct: (sku, call) =>
      upstream.call(
        { operation: ERP_OPERATION.getProduct, path: `/v2/products/${segment(sku)}` },
        (answer) => {
          if (answer.status === 404 && problemOf(answer)?.type === PRODUCT_NOT_FOUND)
            return undefined;
          return decodeJson(answer, product);
        },
        call,
      ),

    async getProducts(skus, call) {
      const found = new Map<string, CatalogProduct>();
      if (skus.length === 0) return found;
      const parts = await askInChunks(skus, ERP_V2_MAX_SKUS_PER_CALL, (part) =>
        upstream.call(
          { operation: ERP_OPERATION.getProducts, path: '/v2/products', query: { sku: part } },
          (answer) => decodeJson(answer, productsResponse),
          call,
        ),
      );
      // Only what was asked for: an ERP answer never sends another upstream a SKU it made up.
      const asked = new Set(skus);
      for (const part of parts)
        for (const item of part) if (asked.has(item.sku)) found.set(item.sku, item);
      return found;
    },

    searchProducts: (query, call) =>
      upstream.call(
        {
          operation: ERP_OPERATION.searchProducts,
          path: '/v2/products:search',
          query: {
            ...(query.query ? { q: query.query } : {}),
            ...(query.category ? { category: query.category } : {}),
            offset: String((query.page - 1) * query.pageSize),
            limit: String(query.pageSize),
          },
        },
        (answer) => decodeJson(answer, searchResponse),
        call,
      ),

    async getStock(skus, call) {
      const stock = new Map<string, StockRow[]>(skus.map((sku) => [sku, []]));
      if (skus.length === 0) return stock;
      const parts = await askInChunks(skus, ERP_V2_MAX_SKUS_PER_CALL, (part) =>
        upstream.call(
          { operation: ERP_OPERATION.getStock, path: '/v2/stock', query: { sku: part } },
          (answer) => decodeJson(answer, stockResponse),
          call,
        ),
      );
      for (const part of parts)
        for (const level of part)
          stock.get(level.sku)?.push({ warehouse: level.warehouse, quantity: level.quantity });
      return stock;
    },

    placeOrder: (order, call) =>
      upstream.call(
        {
          operation: ERP_OPERATION.placeOrder,
          method: 'POST',
          path: '/v2/orders',
          headers: {
            'content-type': 'application/json',
            // The same key as v1's ClientReference: a retry is safe whichever version it reaches.
            'idempotency-key': order.clientReference,
          },
          body: JSON.stringify({
            customerId: order.customerId,
            currency: 'EUR',
            lines: order.lines.map((line) => ({ sku: line.sku, qty: line.quantity })),
            shipTo: {
              name: order.shipTo.name,
              street: order.shipTo.street,
              city: order.shipTo.city,
              postalCode: order.shipTo.postalCode,
              countryCode: order.shipTo.country,
            },
          }),
          // Idempotent by its key: sending it again places nothing twice.
          idempotent: true,
        },
        (answer): OrderOutcome => {
          if (answer.status === 200 || answer.status === 201)
            return { placed: true, confirmation: decodeJson(answer, orderResponse) };
          const refused = answer.status === 409 || answer.status === 422 || answer.status === 400;
          const read = refused ? problemOf(answer) : undefined;
          if (!read) throw new UpstreamError(answer.upstream, 'http', { status: answer.status });
          const reason = ORDER_REFUSALS[read.type] ?? 'invalid-request';
          const sku = read.sku ?? undefined;
          return {
            placed: false,
            refusal:
              reason === 'out-of-stock' || reason === 'unknown-sku' ? { reason, sku } : { reason },
          };
        },
        call,
      ),
  };
}
