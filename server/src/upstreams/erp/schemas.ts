import { z } from 'zod';

/**
 * zod schemas of the ERP's parsed XML (namespace prefixes removed, attributes as `@_name`,
 * repeating elements as arrays). Elements with attributes and text parse as `{ '#text', '@_…' }`,
 * text-only ones as strings, empty ones as ''.
 */

/** The text of an element, whichever way the parser shaped it; trimmed. */
const text = z.union([z.string(), z.object({ '#text': z.string() }).transform((node) => node['#text'])]).transform((value) => value.trim());
const attribute = z.string().transform((value) => value.trim());
/**
 * An element that may be absent, empty (`<X/>`) or hold children. (Union options are tried in
 * order and a failed try costs issue objects: the common shape goes first.)
 */
const list = <T extends z.ZodType>(name: string, child: T) =>
  z
    .union([z.object({ [name]: z.array(child).optional() }), z.literal('')])
    .optional()
    .transform((value): z.output<T>[] => (value === undefined || value === '' ? [] : ((value[name]) ?? [])));

const textWithAttributes = <S extends z.ZodRawShape>(shape: S) => z.object({ '#text': z.string().optional(), ...shape });

export const erpProductSchema = z.object({
  '@_sku': attribute,
  '@_status': attribute.pipe(z.enum(['ACTIVE', 'DISCONTINUED'])),
  Name: text,
  Description: text.optional(),
  Brand: text,
  Category: textWithAttributes({ '@_code': attribute }).transform((c) => ({ code: c['@_code'], name: (c['#text'] ?? '').trim() })),
  Attributes: list('Attribute', textWithAttributes({ '@_name': attribute })),
  Images: list('Image', z.object({ '@_role': attribute.optional(), '@_href': attribute })),
  Weight: textWithAttributes({ '@_unit': attribute.pipe(z.enum(['g', 'kg'])) }).optional(),
  Ean: text.optional(),
  UpdatedAt: text.pipe(z.iso.datetime({ offset: true })),
});
export type ErpProduct = z.output<typeof erpProductSchema>;

export const erpSummarySchema = erpProductSchema.pick({ '@_sku': true, '@_status': true, Name: true, Brand: true, Category: true, Images: true });
export type ErpSummary = z.output<typeof erpSummarySchema>;

/** A SOAP envelope: its Body is parsed by one of the schemas below. */
export const soapEnvelope = z.object({ Envelope: z.object({ Body: z.record(z.string(), z.unknown()) }) }).transform((doc) => doc.Envelope.Body);

export const getProductResponse = z
  .object({ GetProductResponse: z.object({ Product: z.tuple([erpProductSchema]) }) })
  .transform((b) => b.GetProductResponse.Product[0]);

/** An empty response element parses as '' (the rarer shape: second). */
const responseOf = <S extends z.ZodRawShape>(shape: S) => z.union([z.object(shape), z.literal('').transform(() => ({}))]);

export const getProductsResponse = z.object({ GetProductsResponse: responseOf({ Product: z.array(erpProductSchema).optional() }) }).transform(
  (b) => ('Product' in b.GetProductsResponse ? (b.GetProductsResponse.Product ?? []) : []),
);

const count = z.string().trim().regex(/^\d{1,9}$/).transform(Number);

export const searchProductsResponse = z
  .object({
    SearchProductsResponse: z.object({
      '@_total': count,
      '@_page': count,
      '@_pageSize': count,
      Product: z.array(erpSummarySchema).optional(),
    }),
  })
  .transform((b) => ({
  total: b.SearchProductsResponse['@_total'],
  products: b.SearchProductsResponse.Product ?? [],
}));

const stockRow = z.object({ '@_sku': attribute, '@_warehouse': attribute, '#text': z.string().trim().regex(/^-?\d{1,9}$/).transform(Number) });

export const getStockResponse = z
  .object({ GetStockResponse: responseOf({ Stock: z.array(stockRow).optional() }) })
  .transform((b) =>
  ('Stock' in b.GetStockResponse ? (b.GetStockResponse.Stock ?? []) : []).map((row) => ({ sku: row['@_sku'], warehouse: row['@_warehouse'], quantity: row['#text'] })),
);

export const faultResponse = z
  .object({
    Fault: z.object({
      faultcode: text,
      faultstring: text.optional(),
      detail: z.union([z.string(), z.object({ CatalogFault: z.object({ Code: text, Sku: text.optional() }).optional() })]).optional(),
    }),
  })
  .transform((b) => {
  const detail = typeof b.Fault.detail === 'object' ? b.Fault.detail.CatalogFault : undefined;
  const faultcode = b.Fault.faultcode;
  return {
    /** `Client` or `Server`, whatever the prefix. */
    faultcode: faultcode.slice(faultcode.indexOf(':') + 1),
    code: detail?.Code,
    sku: detail?.Sku,
  };
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
  .transform((b) => {
    const confirmation = b.PlaceOrderResponse.OrderConfirmation;
    return {
      orderNo: confirmation['@_orderNo'],
      status: confirmation['@_status'],
      total: { amount: (confirmation.Total['#text'] ?? '').trim(), currency: confirmation.Total['@_currency'] },
      estimatedDelivery: confirmation.EstimatedDelivery ?? null,
    };
  });
export type ErpOrderConfirmation = z.output<typeof placeOrderResponse>;
