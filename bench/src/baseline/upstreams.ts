import { EntityDecoder } from '@nodable/entities';
import { XMLParser } from 'fast-xml-parser';

/** Where the upstreams are: the same variables as the BFF's (docs/api.md). */
export interface BaselineConfig {
  erpUrl: string;
  erpKey: string;
  erpClientId: string;
  pricingUrl: string;
  pricingKey: string;
  reviewsUrl: string;
  reviewsKey: string;
  recommendationsUrl: string;
  recommendationsKey: string;
}

export const ERP_TIMEOUT_MS = 2_000;
export const PART_TIMEOUT_MS = 1_000;

const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const CATALOG_NS = 'urn:example:erp:catalog:v1';

/** A parsed XML element: attributes as `@_name`, text as `#text` (or the element is a plain string). */
export type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  entityDecoder: new EntityDecoder({ numericAllowed: true }), // numeric character references (&#233;) too
  isArray: (name) =>
    name === 'Product' || name === 'Attribute' || name === 'Image' || name === 'Stock',
});

export const isNode = (value: unknown): value is XmlNode =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
export const child = (node: unknown, name: string): unknown =>
  isNode(node) ? node[name] : undefined;
export const text = (value: unknown): string => {
  if (typeof value === 'string') return value.trim();
  const inner = child(value, '#text');
  return typeof inner === 'string' ? inner.trim() : '';
};
export const attr = (node: unknown, name: string): string => text(child(node, `@_${name}`));
export const list = (node: unknown, name: string): XmlNode[] => {
  const items = child(node, name);
  return Array.isArray(items) ? items.filter(isNode) : [];
};

export const escapeXml = (value: string): string =>
  value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');

export class UpstreamFailure extends Error {
  constructor(
    message: string,
    readonly faultCode?: string,
  ) {
    super(message);
  }
}

/** One SOAP call; `inner` is already escaped XML. Answers the `<Operation>Response` element. */
export async function soap(
  config: BaselineConfig,
  operation: string,
  inner: string,
  signal: AbortSignal,
): Promise<unknown> {
  const envelope =
    `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${SOAP_NS}" xmlns:cat="${CATALOG_NS}">` +
    `<soap:Header><cat:Credentials><cat:ClientId>${escapeXml(config.erpClientId)}</cat:ClientId><cat:ApiKey>${escapeXml(config.erpKey)}</cat:ApiKey></cat:Credentials></soap:Header>` +
    `<soap:Body><cat:${operation}>${inner}</cat:${operation}></soap:Body></soap:Envelope>`;
  const response = await fetch(`${config.erpUrl}/soap/catalog`, {
    method: 'POST',
    headers: {
      'content-type': 'text/xml; charset=utf-8',
      soapaction: `"${CATALOG_NS}#${operation}"`,
    },
    body: envelope,
    signal,
  });
  const xml = await response.text();
  if (response.status === 500 && xml.includes('Fault')) {
    const fault = child(child(child(parser.parse(xml), 'Envelope'), 'Body'), 'Fault');
    const code = text(child(child(child(fault, 'detail'), 'CatalogFault'), 'Code'));
    throw new UpstreamFailure(`ERP ${operation} fault`, code || text(child(fault, 'faultcode')));
  }
  if (!response.ok) throw new UpstreamFailure(`ERP ${operation}: HTTP ${response.status}`);
  return child(child(child(parser.parse(xml), 'Envelope'), 'Body'), `${operation}Response`);
}

/** A GET to a JSON service with its key; undefined for a 404. */
export async function getJson(url: string, key: string, signal: AbortSignal): Promise<unknown> {
  const response = await fetch(url, { headers: { 'x-api-key': key }, signal });
  if (response.status === 404) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new UpstreamFailure(`${new URL(url).pathname}: HTTP ${response.status}`);
  }
  return response.json();
}

export interface Price {
  sku: string;
  amount: string;
  compareAt: string | null;
  promotion: { code: string; label: string } | null;
}

interface PricesBody {
  prices: {
    sku: string;
    amount: string;
    compareAt?: string | null;
    promotion?: { code: string; label: string } | null;
  }[];
}

/** Prices by SKU (at most 50 SKUs, which is all a page or a search page needs). */
export async function getPrices(
  config: BaselineConfig,
  skus: readonly string[],
  signal: AbortSignal,
): Promise<Map<string, Price>> {
  const body = (await getJson(
    `${config.pricingUrl}/v2/prices?skus=${skus.map(encodeURIComponent).join(',')}`,
    config.pricingKey,
    signal,
  )) as PricesBody | undefined;
  return new Map(
    (body?.prices ?? []).map((p) => [
      p.sku,
      {
        sku: p.sku,
        amount: p.amount,
        compareAt: p.compareAt ?? null,
        promotion: p.promotion ?? null,
      },
    ]),
  );
}

export interface Reviews {
  summary: { average: number; count: number };
  reviews: {
    id: string;
    author: string;
    rating: number;
    title: string;
    body: string;
    createdAt: string;
  }[];
}

export async function getReviews(
  config: BaselineConfig,
  sku: string,
  limit: number,
  signal: AbortSignal,
): Promise<Reviews> {
  const body = (await getJson(
    `${config.reviewsUrl}/products/${encodeURIComponent(sku)}/reviews?limit=${limit}&sort=recent`,
    config.reviewsKey,
    signal,
  )) as Reviews | undefined;
  return body ?? { summary: { average: 0, count: 0 }, reviews: [] };
}

export async function getRecommendations(
  config: BaselineConfig,
  sku: string,
  limit: number,
  signal: AbortSignal,
): Promise<string[]> {
  const url = `${config.recommendationsUrl}/v1/recommendations?sku=${encodeURIComponent(sku)}&limit=${limit}`;
  const body = (await getJson(url, config.recommendationsKey, signal)) as
    { items: { sku: string }[] } | undefined;
  return (body?.items ?? []).map((item) => item.sku);
}
