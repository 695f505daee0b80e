import type { SandboxStore } from '../../data/store.js';
import type { SandboxRequest, SandboxResponse, ServiceDefinition } from '../../host/types.js';
import { childOf, childrenOf, parseXml, XmlSyntaxError, type XmlElement } from '../../xml/read.js';
import { escapeXml } from '../../xml/write.js';
import { placeOrder } from './place-order.js';
import { productXml, summaryXml } from './product-xml.js';
import {
  CATALOG_NS,
  CatalogFault,
  createSoapWriter,
  ERP_MAX_ITEMS,
  SOAP_ENVELOPE_NS,
  type ErpXmlStyle,
  type SoapWriter,
} from './soap.js';

export const ERP_OPERATIONS = [
  'GetProduct',
  'GetProducts',
  'SearchProducts',
  'GetStock',
  'PlaceOrder',
] as const;
export type ErpOperation = (typeof ERP_OPERATIONS)[number];

export interface ErpServiceOptions {
  apiKey: string;
  /** The `ClientId` the ERP accepts. @default 'storefront-bff' */
  clientId?: string;
  style?: ErpXmlStyle;
}

const XML_CONTENT_TYPE = 'text/xml; charset=utf-8';

const isOperation = (name: string): name is ErpOperation =>
  (ERP_OPERATIONS as readonly string[]).includes(name);

/** The operation named by a `SOAPAction` header (quoted or not). */
function soapActionOperation(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = /^"?urn:example:erp:catalog:v1#([A-Za-z]+)"?$/.exec(header.trim());
  return match?.[1];
}

/** The ERP catalog: SOAP 1.1 over HTTP at `/soap/catalog`. */
export function createErpService(
  store: SandboxStore,
  options: ErpServiceOptions,
): ServiceDefinition {
  const soap = createSoapWriter(options.style);
  const clientId = options.clientId ?? 'storefront-bff';
  const xml = (status: number, body: string): SandboxResponse => ({
    status,
    headers: { 'content-type': XML_CONTENT_TYPE },
    body,
  });

  return {
    name: 'erp',
    operationOf(request) {
      const operation = soapActionOperation(request.headers.soapaction);
      return operation !== undefined && isOperation(operation) ? operation : 'unknown';
    },
    handle(request) {
      if (request.path !== '/soap/catalog')
        return {
          status: 404,
          headers: { 'content-type': 'text/plain; charset=utf-8' },
          body: 'Not Found',
        };
      if (request.method !== 'POST')
        return {
          status: 405,
          headers: { 'content-type': 'text/plain; charset=utf-8', allow: 'POST' },
          body: 'Method Not Allowed',
        };
      if (!/^text\/xml\b/i.test(request.headers['content-type'] ?? '')) {
        return {
          status: 415,
          headers: { 'content-type': 'text/plain; charset=utf-8' },
          body: 'Unsupported Media Type: SOAP 1.1 takes text/xml',
        };
      }
      try {
        return xml(200, dispatch(request, store, soap, options.apiKey, clientId));
      } catch (error) {
        if (error instanceof CatalogFault) return xml(500, soap.clientFault(error));
        throw error;
      }
    },
    errorResponse: (status) => ({
      // What a proxy in front of the ERP answers: HTML, not SOAP.
      status,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: `<html><head><title>${String(status)}</title></head><body><h1>${String(status)}</h1><p>upstream error</p></body></html>`,
    }),
    serverFaultResponse: (message) => xml(500, soap.serverFault(message)),
  };
}

function dispatch(
  request: SandboxRequest,
  store: SandboxStore,
  soap: SoapWriter,
  apiKey: string,
  clientId: string,
): string {
  let envelope: XmlElement;
  try {
    envelope = parseXml(request.body);
  } catch (error) {
    if (error instanceof XmlSyntaxError)
      throw new CatalogFault('INVALID_REQUEST', 'Request is not well-formed XML');
    throw error;
  }
  if (envelope.ns !== SOAP_ENVELOPE_NS || envelope.name !== 'Envelope')
    throw new CatalogFault('INVALID_REQUEST', 'Not a SOAP 1.1 envelope');
  const credentials = childOf(
    childOf(envelope, 'Header', SOAP_ENVELOPE_NS),
    'Credentials',
    CATALOG_NS,
  );
  const givenClientId = childOf(credentials, 'ClientId', CATALOG_NS)?.text.trim();
  const givenKey = childOf(credentials, 'ApiKey', CATALOG_NS)?.text.trim();
  if (givenClientId !== clientId || givenKey !== apiKey)
    throw new CatalogFault('AUTH_FAILED', 'Invalid credentials');

  const body = childOf(envelope, 'Body', SOAP_ENVELOPE_NS);
  const operations = body?.children ?? [];
  const call = operations[0];
  if (!call || operations.length !== 1 || call.ns !== CATALOG_NS || !isOperation(call.name)) {
    throw new CatalogFault('INVALID_REQUEST', 'The body must hold one catalog operation');
  }
  if (soapActionOperation(request.headers.soapaction) !== call.name)
    throw new CatalogFault('INVALID_REQUEST', 'SOAPAction does not match the body');

  const skusOf = (element: XmlElement): string[] => {
    const skus = childrenOf(element, 'Sku', CATALOG_NS).map((sku) => sku.text.trim());
    if (skus.length > ERP_MAX_ITEMS)
      throw new CatalogFault('TOO_MANY_ITEMS', `At most ${String(ERP_MAX_ITEMS)} SKUs per call`);
    return skus;
  };
  const { catalog } = store;

  switch (call.name) {
    case 'GetProduct': {
      const skus = skusOf(call);
      const sku = skus[0];
      if (sku === undefined || skus.length !== 1)
        throw new CatalogFault('INVALID_REQUEST', 'GetProduct takes one Sku');
      const product = catalog.bySku.get(sku);
      if (!product) throw new CatalogFault('PRODUCT_NOT_FOUND', 'Product not found', sku);
      return soap.envelope('GetProductResponse', {
        [soap.q('Product')]: productXml(product, soap.q),
      });
    }
    case 'GetProducts': {
      // Any order: the sandbox answers in the reverse of the asked order, so nobody relies on it.
      const products = [...new Set(skusOf(call))]
        .reverse()
        .flatMap((sku) => catalog.bySku.get(sku) ?? []);
      return soap.envelope(
        'GetProductsResponse',
        products.length === 0
          ? {}
          : { [soap.q('Product')]: products.map((p) => productXml(p, soap.q)) },
      );
    }
    case 'SearchProducts': {
      const query = childOf(call, 'Query', CATALOG_NS)?.text.trim().toLowerCase() ?? '';
      const category = childOf(call, 'CategoryCode', CATALOG_NS)?.text.trim();
      const page = positiveInt(childOf(call, 'Page', CATALOG_NS)?.text);
      const pageSize = positiveInt(childOf(call, 'PageSize', CATALOG_NS)?.text);
      if (page === undefined || pageSize === undefined)
        throw new CatalogFault('INVALID_REQUEST', 'Page and PageSize are positive integers');
      if (pageSize > ERP_MAX_ITEMS)
        throw new CatalogFault('INVALID_REQUEST', `PageSize is at most ${String(ERP_MAX_ITEMS)}`);
      const matches = catalog.ordered.filter(
        (p) =>
          (category === undefined || category === '' || p.category.code.trim() === category) &&
          (query === '' ||
            p.name.trim().toLowerCase().includes(query) ||
            p.brand.trim().toLowerCase().includes(query)),
      );
      const pageItems = matches.slice((page - 1) * pageSize, page * pageSize);
      return soap.envelope('SearchProductsResponse', {
        '@_total': String(matches.length),
        '@_page': String(page),
        '@_pageSize': String(pageSize),
        ...(pageItems.length === 0
          ? {}
          : { [soap.q('Product')]: pageItems.map((p) => summaryXml(p, soap.q)) }),
      });
    }
    case 'GetStock': {
      // One row per SKU and warehouse: a SKU asked twice is answered once.
      const rows = [...new Set(skusOf(call))].flatMap((sku) =>
        (store.stock.get(sku) ?? []).map((row) => ({
          '@_sku': escapeXml(sku),
          '@_warehouse': row.warehouse,
          '#text': String(row.quantity),
        })),
      );
      return soap.envelope(
        'GetStockResponse',
        rows.length === 0 ? {} : { [soap.q('Stock')]: rows },
      );
    }
    case 'PlaceOrder':
      return placeOrder(call, store, soap);
  }
}

function positiveInt(text: string | undefined): number | undefined {
  const trimmed = text?.trim() ?? '';
  if (!/^\d{1,9}$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return value >= 1 ? value : undefined;
}
