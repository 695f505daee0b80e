import type { z } from 'zod';
import { askInChunks } from '../../kit/upstream/json.js';
import type { CallOptions, Upstream, UpstreamAnswer } from '../../kit/upstream/upstream.js';
import { UpstreamError } from '../../kit/upstream/upstream-error.js';
import { createXmlReader } from '../../kit/xml/reader.js';
import { buildXml } from '../../kit/xml/writer.js';
import {
  faultResponse,
  getProductResponse,
  getProductsResponse,
  getStockResponse,
  placeOrderResponse,
  searchProductsResponse,
  soapEnvelope,
} from './schemas.js';
import {
  type CatalogProduct,
  type ErpClient,
  type OrderOutcome,
  type OrderRefusal,
  type StockRow,
} from './records.js';

export const CATALOG_NS = 'urn:example:erp:catalog:v1';
const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
/** GetProducts and GetStock take at most this many SKUs per call. */
export const ERP_MAX_SKUS_PER_CALL = 100;

export interface ErpClientOptions {
  upstream: Upstream;
  apiKey: string;
  clientId: string;
}

const readXml = createXmlReader({ arrays: ['Product', 'Attribute', 'Image', 'Stock'] });

/** A SOAP answer: the Body's content, or the fault the ERP answered (its detail code, or `Server`). */
type SoapAnswer =
  | { ok: true; body: Record<string, unknown> }
  | { ok: false; code: string; sku: string | undefined };

function parse<S extends z.ZodType>(
  answer: UpstreamAnswer,
  schema: S,
  value: unknown,
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new UpstreamError(answer.upstream, 'invalid-response', {
      status: answer.status,
      cause: result.error,
    });
  return result.data;
}

function readSoap(answer: UpstreamAnswer): SoapAnswer {
  const fault = answer.status === 500 && /\bxml\b/i.test(answer.contentType);
  if (answer.status !== 200 && !fault)
    throw new UpstreamError(answer.upstream, 'http', { status: answer.status });
  const body = parse(answer, soapEnvelope, readXml(answer.text));
  if (!fault) return { ok: true, body };
  const read = faultResponse.safeParse(body);
  if (!read.success)
    throw new UpstreamError(answer.upstream, 'http', { status: 500, cause: read.error });
  return { ok: false, code: read.data.code, sku: read.data.sku };
}

/** A fault no caller expects (`soap:Server`, AUTH_FAILED, …): a failure of the ERP. */
const faultError = (
  answer: UpstreamAnswer,
  fault: { code: string; sku: string | undefined },
): UpstreamError =>
  new UpstreamError(answer.upstream, 'fault', {
    status: 500,
    faultCode: fault.code,
    ...(fault.sku === undefined ? {} : { sku: fault.sku }),
  });

const REFUSALS: Record<string, OrderRefusal['reason']> = {
  OUT_OF_STOCK: 'out-of-stock',
  UNKNOWN_SKU: 'unknown-sku',
  INVALID_ADDRESS: 'invalid-address',
  TOO_MANY_ITEMS: 'too-many-items',
  INVALID_REQUEST: 'invalid-request',
};

/**
 * The legacy ERP catalog over SOAP 1.1: requests built with the XML builder, answers read into
 * plain records, the faults callers expect ("no such product", an order refused) as outcomes,
 * every other fault a failure.
 */
export function createErpClient(options: ErpClientOptions): ErpClient {
  const { upstream } = options;

  const soap = <T>(
    operation: string,
    content: Record<string, unknown>,
    read: (answer: UpstreamAnswer, soap: SoapAnswer) => T,
    call: CallOptions | undefined,
    idempotent = true,
  ): Promise<T> =>
    upstream.call(
      {
        operation,
        method: 'POST',
        path: '/soap/catalog',
        headers: {
          'content-type': 'text/xml; charset=utf-8',
          soapaction: `"${CATALOG_NS}#${operation}"`,
        },
        body: buildXml({
          'soap:Envelope': {
            '@_xmlns:soap': SOAP_NS,
            '@_xmlns:cat': CATALOG_NS,
            'soap:Header': {
              'cat:Credentials': { 'cat:ClientId': options.clientId, 'cat:ApiKey': options.apiKey },
            },
            'soap:Body': { [`cat:${operation}`]: content },
          },
        }),
        idempotent,
      },
      (answer) => read(answer, readSoap(answer)),
      call,
    );

  /** An answer whose faults are all failures, read with `schema`. */
  const expect =
    <S extends z.ZodType>(schema: S) =>
    (answer: UpstreamAnswer, read: SoapAnswer): z.output<S> => {
      if (!read.ok) throw faultError(answer, read);
      return parse(answer, schema, read.body);
    };

  const skuList = (skus: readonly string[]) => ({ 'cat:Sku': [...skus] });

  return {
    getProduct: (sku, call) =>
      soap(
        'GetProduct',
        { 'cat:Sku': sku },
        (answer, read) => {
          if (!read.ok && read.code === 'PRODUCT_NOT_FOUND') return undefined;
          return expect(getProductResponse)(answer, read);
        },
        call,
      ),

    async getProducts(skus, call) {
      const found = new Map<string, CatalogProduct>();
      if (skus.length === 0) return found;
      const parts = await askInChunks(skus, ERP_MAX_SKUS_PER_CALL, (part) =>
        soap('GetProducts', skuList(part), expect(getProductsResponse), call),
      );
      // Only what was asked for, and only SKUs: an ERP answer never sends another upstream a string it made up.
      const asked = new Set(skus);
      for (const part of parts)
        for (const product of part) if (asked.has(product.sku)) found.set(product.sku, product);
      return found;
    },

    searchProducts: (query, call) =>
      soap(
        'SearchProducts',
        {
          ...(query.query ? { 'cat:Query': query.query } : {}),
          ...(query.category ? { 'cat:CategoryCode': query.category } : {}),
          'cat:Page': String(query.page),
          'cat:PageSize': String(query.pageSize),
        },
        expect(searchProductsResponse),
        call,
      ),

    async getStock(skus, call) {
      const stock = new Map<string, StockRow[]>(skus.map((sku) => [sku, []]));
      if (skus.length === 0) return stock;
      const parts = await askInChunks(skus, ERP_MAX_SKUS_PER_CALL, (part) =>
        soap('GetStock', skuList(part), expect(getStockResponse), call),
      );
      for (const part of parts)
        for (const row of part)
          stock.get(row.sku)?.push({ warehouse: row.warehouse, quantity: row.quantity });
      return stock;
    },

    placeOrder: (order, call) =>
      // Text from the shopper goes in as text nodes of the builder, which escapes it: it arrives
      // exactly as typed and cannot change the document's structure.
      soap(
        'PlaceOrder',
        {
          'cat:CustomerId': order.customerId,
          'cat:Currency': 'EUR',
          'cat:Lines': {
            'cat:Line': order.lines.map((line) => ({
              '@_sku': line.sku,
              '@_quantity': String(line.quantity),
            })),
          },
          'cat:ShipTo': {
            'cat:Name': order.shipTo.name,
            'cat:Street': order.shipTo.street,
            'cat:City': order.shipTo.city,
            'cat:PostalCode': order.shipTo.postalCode,
            'cat:Country': order.shipTo.country,
          },
          'cat:ClientReference': order.clientReference,
        },
        (answer, read): OrderOutcome => {
          if (read.ok)
            return { placed: true, confirmation: parse(answer, placeOrderResponse, read.body) };
          const reason = REFUSALS[read.code];
          if (reason === undefined) throw faultError(answer, read);
          return {
            placed: false,
            refusal:
              reason === 'out-of-stock' || reason === 'unknown-sku'
                ? { reason, sku: read.sku }
                : { reason },
          };
        },
        call,
        // Idempotent by its ClientReference: sending it again places nothing twice.
        true,
      ),
  };
}
