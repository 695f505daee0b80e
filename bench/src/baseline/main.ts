import { createServer, type ServerResponse } from 'node:http';
import superjson from 'superjson';
import { productPage, productSearch, SKU, type SearchInput } from './pages.js';
import { UpstreamFailure, type BaselineConfig } from './upstreams.js';

/**
 * The hand-written baseline: product.page and product.search as a team would write them without a
 * framework (node:http, global fetch, Promise.all, fast-xml-parser), on the BFF's wire format (tRPC
 * GET with a superjson envelope) so that one load script drives both. No cache, EUR only.
 */
const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`baseline: ${name} is required`);
  return value;
};
const config: BaselineConfig = {
  erpUrl: env('ERP_URL'),
  erpKey: env('ERP_API_KEY'),
  erpClientId: process.env.ERP_CLIENT_ID ?? 'storefront-bff',
  pricingUrl: env('PRICING_URL'),
  pricingKey: env('PRICING_API_KEY'),
  reviewsUrl: env('REVIEWS_URL'),
  reviewsKey: env('REVIEWS_API_KEY'),
  recommendationsUrl: env('RECOMMENDATIONS_URL'),
  recommendationsKey: env('RECOMMENDATIONS_API_KEY'),
};

const ERRORS = {
  BAD_REQUEST: [400, -32600],
  NOT_FOUND: [404, -32004],
  BAD_GATEWAY: [502, -32603],
  GATEWAY_TIMEOUT: [504, -32603],
} as const;

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}

function sendError(
  res: ServerResponse,
  path: string,
  code: keyof typeof ERRORS,
  message: string,
): void {
  const [httpStatus, rpcCode] = ERRORS[code];
  send(res, httpStatus, {
    error: { json: { message, code: rpcCode, data: { code, httpStatus, path } } },
  });
}

async function answer(path: string, input: Record<string, unknown>): Promise<unknown> {
  if (input.currency !== undefined && input.currency !== 'EUR')
    throw new RangeError('the baseline answers EUR only');
  if (path === 'product.page') {
    if (typeof input.sku !== 'string' || !SKU.test(input.sku))
      throw new RangeError('a SKU is 1 to 32 characters of 0-9, A-Z, a-z and -');
    return productPage(config, input.sku);
  }
  const { query, category, page = 1, pageSize = 20 } = input;
  const search: SearchInput = { page: Number(page), pageSize: Number(pageSize) };
  if (
    !Number.isInteger(search.page) ||
    search.page < 1 ||
    !Number.isInteger(search.pageSize) ||
    search.pageSize < 1 ||
    search.pageSize > 50
  )
    throw new RangeError('bad page or pageSize');
  if (typeof query === 'string') search.query = query;
  if (typeof category === 'string') search.category = category;
  return productSearch(config, search);
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://baseline.invalid');
  if (url.pathname === '/healthz') {
    send(res, 200, { status: 'ok' });
    return;
  }
  const path = url.pathname.slice('/trpc/'.length);
  if (req.method !== 'GET' || (path !== 'product.page' && path !== 'product.search')) {
    send(res, 404, { error: 'not_found' });
    return;
  }
  let input: Record<string, unknown>;
  try {
    // tRPC's GET wire format: input={"json":{…}} (superjson; the inputs here hold no Dates).
    const parsed: unknown = JSON.parse(url.searchParams.get('input') ?? '{"json":{}}');
    const json: unknown =
      typeof parsed === 'object' && parsed !== null && 'json' in parsed ? parsed.json : undefined;
    input = typeof json === 'object' && json !== null ? { ...json } : {};
  } catch {
    sendError(res, path, 'BAD_REQUEST', 'input is not JSON');
    return;
  }
  answer(path, input).then(
    (data) => {
      send(res, 200, { result: { data: superjson.serialize(data) } });
    },
    (error: unknown) => {
      if (error instanceof RangeError) sendError(res, path, 'BAD_REQUEST', error.message);
      else if (error instanceof UpstreamFailure && error.faultCode === 'PRODUCT_NOT_FOUND')
        sendError(res, path, 'NOT_FOUND', `No product ${String(input.sku)}`);
      else if (error instanceof DOMException && error.name === 'TimeoutError')
        sendError(res, path, 'GATEWAY_TIMEOUT', 'The ERP did not answer in time');
      else sendError(res, path, 'BAD_GATEWAY', 'An upstream failed');
    },
  );
});

server.listen(Number(process.env.PORT ?? 3100), process.env.HOST ?? '127.0.0.1');
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
