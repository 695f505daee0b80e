import { SKU_PATTERN } from '@storefront/shared';
import { z } from 'zod';
import { fromMinorUnits } from '../../kit/decimal.js';
import {
  isWebUrl,
  type CatalogProduct,
  type CatalogSummary,
  type OrderConfirmation,
  type OrderRefusal,
  type StockRow,
} from '../erp/records.js';

/**
 * zod schemas of the ERP's JSON version (docs/upstreams.md, "ERP catalog v2"), each turning its
 * answer into the records the SOAP client gives (../erp/records.ts): text trimmed, `modifiedAt`
 * (ms since the epoch) a Date, nulls where v1 leaves an element out, stock as what can be sold.
 * The JSON's shape ends here. Unknown extra fields are ignored (zod drops them).
 */

const text = z.string().transform((value) => value.trim());
/** Text that may be null (or left out). */
const maybeText = z
  .string()
  .nullish()
  .transform((value) => (value === null || value === undefined ? null : value.trim()));
/** A list that may be empty (or, leniently, null or left out). */
const listOf = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullish()
    .transform((value): z.output<T>[] => value ?? []);

const lifecycle = z.enum(['active', 'discontinued']);
const brand = z.object({ name: text }).transform((b) => b.name);
const category = z.object({ code: text, label: text }).transform((c) => ({
  code: c.code,
  name: c.label,
}));
const media = listOf(z.object({ kind: maybeText, url: text })).transform((all) =>
  // The ERP is not trusted with what reaches a browser: only http(s) image URLs are kept.
  all.flatMap((item) => (isWebUrl(item.url) ? [{ role: item.kind, url: item.url }] : [])),
);
/** Milliseconds since the epoch, within what a Date holds. */
const epochMs = z
  .number()
  .int()
  .min(0)
  .max(8_640_000_000_000_000)
  .transform((ms) => new Date(ms));

const productObject = z.object({
  sku: text,
  lifecycle,
  title: text,
  descriptionHtml: maybeText,
  brand,
  category,
  attributes: listOf(z.object({ key: text, value: text })),
  media,
  weightGrams: z
    .number()
    .int()
    .min(0)
    .nullish()
    .transform((value) => value ?? null),
  gtin: maybeText,
  modifiedAt: epochMs,
});

export const product = productObject.transform((p): CatalogProduct => ({
  sku: p.sku,
  status: p.lifecycle,
  name: p.title,
  description: p.descriptionHtml,
  brand: p.brand,
  category: p.category,
  attributes: p.attributes.map((a) => ({ name: a.key, value: a.value })),
  images: p.media,
  weightGrams: p.weightGrams,
  ean: p.gtin,
  updatedAt: p.modifiedAt,
}));

const summary = productObject
  .pick({ sku: true, lifecycle: true, title: true, brand: true, category: true, media: true })
  .transform((p): CatalogSummary => ({
    sku: p.sku,
    status: p.lifecycle,
    name: p.title,
    brand: p.brand,
    category: p.category,
    images: p.media,
  }));

export const productsResponse = z
  .object({ items: z.array(product), missing: z.array(z.string()).nullish() })
  .transform((body) => body.items);

const count = z.number().int().min(0).max(999_999_999);

export const searchResponse = z
  .object({ total: count, items: z.array(summary) })
  .transform((body) => ({
    total: body.total,
    products: body.items.filter((item) => SKU_PATTERN.test(item.sku)),
  }));

const units = z.number().int().min(-999_999_999).max(999_999_999);

/** What can be sold from a warehouse: `onHand − reserved`, never below 0. */
export const stockResponse = z
  .object({
    levels: z.array(z.object({ sku: text, warehouse: text, onHand: units, reserved: units })),
  })
  .transform((body) =>
    body.levels.map((level): StockRow & { sku: string } => ({
      sku: level.sku,
      warehouse: level.warehouse,
      quantity: Math.max(0, level.onHand - level.reserved),
    })),
  );

export const orderResponse = z
  .object({
    orderNumber: text,
    state: text,
    total: z.object({
      amountMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
      currency: z.string().regex(/^[A-Z]{3}$/),
    }),
    deliveryDate: maybeText,
  })
  .transform((order): OrderConfirmation => ({
    orderNo: order.orderNumber,
    // The same words as v1's status attribute (`accepted` → `ACCEPTED`).
    status: order.state.toUpperCase(),
    total: {
      amount: fromMinorUnits(order.total.amountMinor, order.total.currency),
      currency: order.total.currency,
    },
    estimatedDelivery: order.deliveryDate,
  }));

/** An RFC 9457 problem: its `type` says what it is; refusals name a SKU. */
export const problem = z.object({ type: z.string(), sku: z.string().nullish() });

/** The problem types that refuse an order, as v1's fault codes do. */
export const ORDER_REFUSALS: Record<string, OrderRefusal['reason']> = {
  'urn:erp:problem:out-of-stock': 'out-of-stock',
  'urn:erp:problem:unknown-sku': 'unknown-sku',
  'urn:erp:problem:invalid-address': 'invalid-address',
  'urn:erp:problem:too-many-lines': 'too-many-items',
};

export const PRODUCT_NOT_FOUND = 'urn:erp:problem:product-not-found';
