import type { CallOptions } from '../../kit/upstream/upstream.js';

/**
 * What the ERP's clients answer, whichever version of the ERP they speak (SOAP: ./client.ts,
 * JSON: ../erp-v2/client.ts): plain records and typed outcomes. Procedures and domain/ see only
 * these, so they do not know which version answered.
 */

/** A product as the ERP knows it. */
export interface CatalogProduct {
  sku: string;
  status: 'active' | 'discontinued';
  name: string;
  /** The ERP's text; may hold HTML markup. */
  description: string | null;
  brand: string;
  category: { code: string; name: string };
  attributes: { name: string; value: string }[];
  /** In the ERP's order; `role` null when the ERP gives none. */
  images: { role: string | null; url: string }[];
  /** Exact: `1.005` kg → 1005. */
  weightGrams: number | null;
  ean: string | null;
  updatedAt: Date;
}

/** What a search result holds of a product (its images: the main one only). */
export type CatalogSummary = Pick<
  CatalogProduct,
  'sku' | 'status' | 'name' | 'brand' | 'category' | 'images'
>;

/** Units of one SKU in one warehouse that can be sold (may be negative in v1: the ERP oversells). */
export interface StockRow {
  warehouse: string;
  quantity: number;
}

export interface OrderConfirmation {
  orderNo: string;
  status: string;
  total: { amount: string; currency: string };
  estimatedDelivery: string | null;
}

export interface SearchQuery {
  query?: string;
  category?: string;
  page: number;
  pageSize: number;
}

export interface PlaceOrder {
  customerId: string;
  lines: readonly { sku: string; quantity: number }[];
  shipTo: { name: string; street: string; city: string; postalCode: string; country: string };
  /** The idempotency key: v1's `ClientReference`, v2's `Idempotency-Key` (one key for both). */
  clientReference: string;
}

/** Why the ERP refused an order: an answer about this order, not a failure of the ERP. */
export type OrderRefusal =
  | { reason: 'out-of-stock' | 'unknown-sku'; sku: string | undefined }
  | { reason: 'invalid-address' | 'too-many-items' | 'invalid-request' };

export type OrderOutcome =
  { placed: true; confirmation: OrderConfirmation } | { placed: false; refusal: OrderRefusal };

/** The ERP catalog, as every version's client answers it. */
export interface ErpClient {
  /** The product, or undefined when the ERP has no such SKU. */
  getProduct(sku: string, call?: CallOptions): Promise<CatalogProduct | undefined>;
  /** Products by SKU; unknown SKUs are absent. Split into parallel calls at the version's maximum. */
  getProducts(skus: readonly string[], call?: CallOptions): Promise<Map<string, CatalogProduct>>;
  searchProducts(
    query: SearchQuery,
    call?: CallOptions,
  ): Promise<{ total: number; products: CatalogSummary[] }>;
  /** Stock rows by SKU: every SKU asked has an entry, with no rows when nothing is on hand. Split like getProducts. */
  getStock(skus: readonly string[], call?: CallOptions): Promise<Map<string, StockRow[]>>;
  /** Places an order, idempotent by `clientReference` (so it may be sent again); a refusal is an outcome. */
  placeOrder(order: PlaceOrder, call?: CallOptions): Promise<OrderOutcome>;
}

/** The ERP's reads: what may be shadowed and fall back to the other version. */
export type ErpRead = 'getProduct' | 'getProducts' | 'searchProducts' | 'getStock';

/**
 * The operation names both versions' calls carry in metrics, spans and comparisons (the SOAP
 * operations'), so that a dashboard sets the two side by side.
 */
export const ERP_OPERATION: Record<ErpRead | 'placeOrder', string> = {
  getProduct: 'GetProduct',
  getProducts: 'GetProducts',
  searchProducts: 'SearchProducts',
  getStock: 'GetStock',
  placeOrder: 'PlaceOrder',
};

/** An absolute http: or https: URL (no `javascript:`, `data:`, relative or protocol-relative ones). */
export function isWebUrl(value: string): boolean {
  if (!/^https?:\/\//i.test(value)) return false;
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
