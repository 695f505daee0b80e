import { SKU_PATTERN } from '@storefront/shared';
import { z } from 'zod';
import { shiftDecimal } from '../../kit/decimal.js';
import {
  isWebUrl,
  type CatalogProduct,
  type CatalogSummary,
  type OrderConfirmation,
} from './records.js';

/**
 * zod schemas of the ERP's parsed XML (namespace prefixes removed, attributes as `@_name`,
 * repeating elements as arrays; elements with attributes and text parse as `{ '#text', '@_…' }`,
 * text-only ones as strings, empty ones as ''), each turning its element into a plain record. The
 * XML's shape ends here: nothing outside this folder sees `@_sku` or `#text`.
 */

/** The text of an element, whichever way the parser shaped it; trimmed. */
const text = z
  .union([z.string(), z.object({ '#text': z.string() }).transform((node) => node['#text'])])
  .transform((value) => value.trim());
const attribute = z.string().transform((value) => value.trim());
/**
 * An element that may be absent, empty (`<X/>`) or hold children. (Union options are tried in
 * order and a failed try costs issue objects: the common shape goes first.)
 */
const list = <T extends z.ZodType>(name: string, child: T) =>
  z
    .union([z.object({ [name]: z.array(child).optional() }), z.literal('')])
    .optional()
    .transform((value): z.output<T>[] =>
      value === undefined || value === '' ? [] : (value[name] ?? []),
    );

const textWithAttributes = <S extends z.ZodRawShape>(shape: S) =>
  z.object({ '#text': z.string().optional(), ...shape });

const status = attribute
  .pipe(z.enum(['ACTIVE', 'DISCONTINUED']))
  .transform((value) => (value === 'ACTIVE' ? 'active' : 'discontinued'));
const category = textWithAttributes({ '@_code': attribute }).transform((c) => ({
  code: c['@_code'],
  name: (c['#text'] ?? '').trim(),
}));
const images = list(
  'Image',
  z.object({ '@_role': attribute.optional(), '@_href': attribute }),
).transform((all) =>
  // The ERP is not trusted with what reaches a browser: only http(s) image URLs are kept.
  all.flatMap((image) =>
    isWebUrl(image['@_href']) ? [{ role: image['@_role'] ?? null, url: image['@_href'] }] : [],
  ),
);
const weight = textWithAttributes({ '@_unit': attribute.pipe(z.enum(['g', 'kg'])) })
  .optional()
  .transform((node, ctx) => {
    const value = node?.['#text']?.trim();
    if (!node || !value) return null;
    if (!/^\d{1,9}(\.\d{1,9})?$/.test(value)) {
      ctx.addIssue({ code: 'custom', message: 'a weight is a decimal number' });
      return z.NEVER;
    }
    return shiftDecimal(value, node['@_unit'] === 'kg' ? 3 : 0);
  });

const productElement = z.object({
  '@_sku': attribute,
  '@_status': status,
  Name: text,
  Description: text.optional(),
  Brand: text,
  Category: category,
  Attributes: list('Attribute', textWithAttributes({ '@_name': attribute })),
  Images: images,
  Weight: weight,
  Ean: text.optional(),
  UpdatedAt: text.pipe(z.iso.datetime({ offset: true })),
});

const product = productElement.transform((p): CatalogProduct => ({
  sku: p['@_sku'],
  status: p['@_status'],
  name: p.Name,
  description: p.Description ?? null,
  brand: p.Brand,
  category: p.Category,
  attributes: p.Attributes.map((a) => ({ name: a['@_name'], value: (a['#text'] ?? '').trim() })),
  images: p.Images,
  weightGrams: p.Weight,
  ean: p.Ean ?? null,
  updatedAt: new Date(p.UpdatedAt),
}));

const summary = productElement
  .pick({ '@_sku': true, '@_status': true, Name: true, Brand: true, Category: true, Images: true })
  .transform((p): CatalogSummary => ({
    sku: p['@_sku'],
    status: p['@_status'],
    name: p.Name,
    brand: p.Brand,
    category: p.Category,
    images: p.Images,
  }));

/** A SOAP envelope: its Body is read by one of the schemas below. */
export const soapEnvelope = z
  .object({ Envelope: z.object({ Body: z.record(z.string(), z.unknown()) }) })
  .transform((doc) => doc.Envelope.Body);

export const getProductResponse = z
  .object({ GetProductResponse: z.object({ Product: z.tuple([product]) }) })
  .transform((b) => b.GetProductResponse.Product[0]);

/** An empty response element parses as '' (the rarer shape: second). */
const responseOf = <S extends z.ZodRawShape>(shape: S) =>
  z.union([z.object(shape), z.literal('').transform(() => ({}))]);

export const getProductsResponse = z
  .object({ GetProductsResponse: responseOf({ Product: z.array(product).optional() }) })
  .transform((b) =>
    'Product' in b.GetProductsResponse ? (b.GetProductsResponse.Product ?? []) : [],
  );

const count = z
  .string()
  .trim()
  .regex(/^\d{1,9}$/)
  .transform(Number);

export const searchProductsResponse = z
  .object({
    SearchProductsResponse: z.object({
      '@_total': count,
      '@_page': count,
      '@_pageSize': count,
      Product: z.array(summary).optional(),
    }),
  })
  .transform((b) => ({
    total: b.SearchProductsResponse['@_total'],
    products: (b.SearchProductsResponse.Product ?? []).filter((product) =>
      SKU_PATTERN.test(product.sku),
    ),
  }));

const stockRow = z.object({
  '@_sku': attribute,
  '@_warehouse': attribute,
  '#text': z
    .string()
    .trim()
    .regex(/^-?\d{1,9}$/)
    .transform(Number),
});

export const getStockResponse = z
  .object({ GetStockResponse: responseOf({ Stock: z.array(stockRow).optional() }) })
  .transform((b) =>
    ('Stock' in b.GetStockResponse ? (b.GetStockResponse.Stock ?? []) : []).map((row) => ({
      sku: row['@_sku'],
      warehouse: row['@_warehouse'],
      quantity: row['#text'],
    })),
  );

export const faultResponse = z
  .object({
    Fault: z.object({
      faultcode: text,
      faultstring: text.optional(),
      detail: z
        .union([
          z.string(),
          z.object({ CatalogFault: z.object({ Code: text, Sku: text.optional() }).optional() }),
        ])
        .optional(),
    }),
  })
  .transform((b) => {
    const detail = typeof b.Fault.detail === 'object' ? b.Fault.detail.CatalogFault : undefined;
    const faultcode = b.Fault.faultcode;
    /** `Client` or `Server`, whatever the prefix. */
    const kind = faultcode.slice(faultcode.indexOf(':') + 1);
    // A soap:Client fault names its reason in the detail; a soap:Server fault is the ERP's own failure.
    return { code: kind === 'Client' && detail?.Code ? detail.Code : kind, sku: detail?.Sku };
  });

export const placeOrderResponse = z
  .object({
    PlaceOrderResponse: z.object({
      OrderConfirmation: z.object({
        '@_orderNo': attribute,
        '@_status': attribute,
        Total: textWithAttributes({ '@_currency': attribute.pipe(z.string().regex(/^[A-Z]{3}$/)) }),
        EstimatedDelivery: text.optional(),
      }),
    }),
  })
  .transform((b): OrderConfirmation => {
    const confirmation = b.PlaceOrderResponse.OrderConfirmation;
    return {
      orderNo: confirmation['@_orderNo'],
      status: confirmation['@_status'],
      total: {
        amount: (confirmation.Total['#text'] ?? '').trim(),
        currency: confirmation.Total['@_currency'],
      },
      estimatedDelivery: confirmation.EstimatedDelivery ?? null,
    };
  });
