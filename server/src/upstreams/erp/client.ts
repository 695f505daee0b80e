import type { z } from 'zod';
import type { UpstreamHttp } from '../../kit/http.js';
import { UpstreamError } from '../../kit/upstream-error.js';
import { buildXml } from '../../kit/xml-writer.js';
import { createXmlReader } from '../../kit/xml.js';
import {
  faultResponse,
  getProductResponse,
  getProductsResponse,
  getStockResponse,
  searchProductsResponse,
  soapEnvelope,
  placeOrderResponse,
  type ErpOrderConfirmation,
  type ErpProduct,
  type ErpSummary,
} from './schemas.js';

export const CATALOG_NS = 'urn:example:erp:catalog:v1';
const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
/** GetProducts and GetStock take at most this many SKUs per call. */
export const ERP_MAX_SKUS_PER_CALL = 100;

export interface ErpClientOptions {
  http: UpstreamHttp;
  apiKey: string;
  clientId: string;
}

export interface StockRow {
  sku: string;
  warehouse: string;
  quantity: number;
}

export interface ErpClient {
  /** Rejects with an UpstreamError of kind `fault` and faultCode `PRODUCT_NOT_FOUND` for an unknown SKU. */
  getProduct(sku: string, signal?: AbortSignal): Promise<ErpProduct>;
  /** Unknown SKUs are left out; more than 100 SKUs are split into parallel calls. */
  getProducts(skus: readonly string[], signal?: AbortSignal): Promise<ErpProduct[]>;
  searchProducts(query: { query?: string; category?: string; page: number; pageSize: number }, signal?: AbortSignal): Promise<{ total: number; products: ErpSummary[] }>;
  getStock(skus: readonly string[], signal?: AbortSignal): Promise<StockRow[]>;
  /** Places an order (idempotent by `clientReference`); refusals reject with `fault` UpstreamErrors (OUT_OF_STOCK, UNKNOWN_SKU, INVALID_ADDRESS). */
  placeOrder(order: PlaceOrder, signal?: AbortSignal): Promise<ErpOrderConfirmation>;
}

export interface PlaceOrder {
  customerId: string;
  lines: readonly { sku: string; quantity: number }[];
  shipTo: { name: string; street: string; city: string; postalCode: string; country: string };
  clientReference: string;
}

const readXml = createXmlReader({ arrays: ['Product', 'Attribute', 'Image', 'Stock', 'Cube'] });

/** Splits a list into chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** The legacy ERP catalog over SOAP 1.1: requests built with the XML builder, answers and faults validated with zod. */
export function createErpClient(options: ErpClientOptions): ErpClient {
  const { http } = options;
  const service = http.service;

  const call = async <S extends z.ZodType>(operation: string, content: Record<string, unknown>, schema: S, signal?: AbortSignal): Promise<z.output<S>> => {
    const body = buildXml({
      'soap:Envelope': {
        '@_xmlns:soap': SOAP_NS,
        '@_xmlns:cat': CATALOG_NS,
        'soap:Header': { 'cat:Credentials': { 'cat:ClientId': options.clientId, 'cat:ApiKey': options.apiKey } },
        'soap:Body': { [`cat:${operation}`]: content },
      },
    });
    const response = await http.request('/soap/catalog', {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${CATALOG_NS}#${operation}"` },
      body,
      ...(signal ? { signal } : {}),
    });
    const isXml = /\bxml\b/i.test(response.contentType);
    if (response.status === 500 && isXml) throw faultOf(service, response.text);
    if (response.status !== 200) throw new UpstreamError(service, 'http', { status: response.status });
    let parsed: unknown;
    try {
      parsed = readXml(response.text);
    } catch (error) {
      throw new UpstreamError(service, 'invalid-response', { status: 200, cause: error });
    }
    const envelope = soapEnvelope.safeParse(parsed);
    const result = envelope.success ? schema.safeParse(envelope.data) : envelope;
    if (!result.success) throw new UpstreamError(service, 'invalid-response', { status: 200, cause: result.error });
    return result.data;
  };

  const skuList = (skus: readonly string[]) => ({ 'cat:Sku': [...skus] });

  return {
    getProduct: (sku, signal) => call('GetProduct', { 'cat:Sku': sku }, getProductResponse, signal),
    async getProducts(skus, signal) {
      if (skus.length === 0) return [];
      const parts = await Promise.all(chunk([...new Set(skus)], ERP_MAX_SKUS_PER_CALL).map((part) => call('GetProducts', skuList(part), getProductsResponse, signal)));
      return parts.flat();
    },
    searchProducts: (query, signal) =>
      call(
        'SearchProducts',
        {
          ...(query.query ? { 'cat:Query': query.query } : {}),
          ...(query.category ? { 'cat:CategoryCode': query.category } : {}),
          'cat:Page': String(query.page),
          'cat:PageSize': String(query.pageSize),
        },
        searchProductsResponse,
        signal,
      ),
    async getStock(skus, signal) {
      if (skus.length === 0) return [];
      const parts = await Promise.all(chunk([...new Set(skus)], ERP_MAX_SKUS_PER_CALL).map((part) => call('GetStock', skuList(part), getStockResponse, signal)));
      return parts.flat();
    },
    placeOrder: (order, signal) =>
      // Text from the shopper goes in as text nodes of the builder, which escapes it: it arrives
      // exactly as typed and cannot change the document's structure.
      call(
        'PlaceOrder',
        {
          'cat:CustomerId': order.customerId,
          'cat:Currency': 'EUR',
          'cat:Lines': { 'cat:Line': order.lines.map((line) => ({ '@_sku': line.sku, '@_quantity': String(line.quantity) })) },
          'cat:ShipTo': {
            'cat:Name': order.shipTo.name,
            'cat:Street': order.shipTo.street,
            'cat:City': order.shipTo.city,
            'cat:PostalCode': order.shipTo.postalCode,
            'cat:Country': order.shipTo.country,
          },
          'cat:ClientReference': order.clientReference,
        },
        placeOrderResponse,
        signal,
      ),
  };
}

/** A SOAP fault as an UpstreamError of kind `fault` (a `soap:Server` fault has faultCode `Server`). */
function faultOf(service: string, xml: string): UpstreamError {
  let parsed: unknown;
  try {
    parsed = readXml(xml);
  } catch (error) {
    return new UpstreamError(service, 'invalid-response', { status: 500, cause: error });
  }
  const envelope = soapEnvelope.safeParse(parsed);
  const fault = envelope.success ? faultResponse.safeParse(envelope.data) : envelope;
  if (!fault.success) return new UpstreamError(service, 'http', { status: 500, cause: fault.error });
  const { faultcode, code, sku } = fault.data;
  return new UpstreamError(service, 'fault', {
    status: 500,
    faultCode: faultcode === 'Client' && code ? code : faultcode,
    ...(sku === undefined ? {} : { sku }),
  });
}
