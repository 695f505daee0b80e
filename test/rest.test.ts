import { Validator } from '@seriousme/openapi-schema-validator';
import { UNKNOWN_SKUS } from '@storefront/sandbox';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBff, type Bff } from './helpers/bff.js';
import { coldSku, priced, SHIP_TO } from './helpers/cache.js';
import { freshShopper, newReference, signedIn, type FreshShopper } from './helpers/shopper.js';
import {
  expectNoLeak,
  rawRequest,
  useExtraBffs,
  wireError,
  type RawAnswer,
} from './helpers/wire.js';

type Document = {
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, object> };
};

/** What a typed client's answer is as plain JSON: Dates as ISO 8601 strings. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

/** A REST error body's `error`. */
function restError(answer: RawAnswer): Record<string, unknown> {
  const body = answer.body as { error?: Record<string, unknown> } | undefined;
  if (!body?.error) throw new Error(`not a REST error: ${answer.status} ${answer.text}`);
  return body.error;
}

/** The tRPC twin of a REST error: the same status, code, appCode and message. */
function expectTwinErrors(rest: RawAnswer, trpc: RawAnswer): void {
  const twin = wireError(trpc.body);
  expect(twin, trpc.text).toBeDefined();
  expect(rest.status).toBe(trpc.status);
  expect(restError(rest)).toMatchObject({
    code: twin?.data.code,
    appCode: twin?.data.appCode,
    message: twin?.message,
  });
}

const trpcGet = (bff: Bff, procedure: string, input: unknown, init: RequestInit = {}) =>
  rawRequest(
    bff,
    `/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`,
    init,
  );

const bearer = (token: string): RequestInit => ({ headers: { authorization: `Bearer ${token}` } });

const jsonBody = (method: string, body: unknown, token?: string): RequestInit => ({
  method,
  headers: {
    'content-type': 'application/json',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  },
  body: JSON.stringify(body),
});

describe('the REST face', () => {
  const bff = useBff();
  const extra = useExtraBffs();
  let document: Document;
  /** A JSON Schema 2020-12 validator that knows `date-time`, `uuid` and the other formats. */
  const newAjv = (): Ajv2020 => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    return ajv;
  };
  const ajv = newAjv();

  beforeAll(async () => {
    const answer = await rawRequest(bff(), '/openapi.json');
    expect(answer.status).toBe(200);
    document = answer.body as Document;
    ajv.addSchema(document, 'openapi.json');
  });

  /** Asserts that an answer is what the document says its route answers at that status. */
  function expectDocumented(answer: RawAnswer, method: string, path: string): void {
    const operation = document.paths[path]?.[method];
    expect(operation, `${method} ${path} in the document`).toBeDefined();
    const status = String(answer.status);
    expect(Object.keys(operation?.responses ?? {})).toContain(status);
    const pointer = `openapi.json#/paths/${path.replaceAll('/', '~1')}/${method}/responses/${status}`;
    const response = ajv.getSchema(pointer)?.schema as
      { $ref?: string; content?: Record<string, { schema: object }> } | undefined;
    const schemaPointer = response?.$ref
      ? `openapi.json${response.$ref}/content/application~1json/schema`
      : `${pointer}/content/application~1json/schema`;
    const validate = ajv.getSchema(schemaPointer);
    expect(validate, schemaPointer).toBeDefined();
    const valid = validate?.(answer.body);
    expect(valid, JSON.stringify(validate?.errors)).toBe(true);
  }

  it('describes itself in an OpenAPI 3.1 document that validates, one operation per route, its schemas valid JSON Schema', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      [
        'GET /api/v1/products/{sku}',
        'GET /api/v1/products',
        'GET /api/v1/fx-rates',
        'GET /api/v1/cart',
        'PUT /api/v1/cart/items/{sku}',
        'GET /api/v1/account/dashboard',
        'GET /api/v1/orders',
        'POST /api/v1/orders',
      ].sort(),
    );
    for (const [name, schema] of Object.entries(document.components.schemas))
      expect(() => newAjv().compile(schema), name).not.toThrow();
    // Dates are strings in plain JSON.
    expect(JSON.stringify(document.components.schemas.ProductPage)).toContain(
      '"format":"date-time"',
    );
  });

  it('GET /api/v1/products/{sku} answers what product.page answers, as plain JSON, with the same cache headers', async () => {
    const sku = coldSku(bff(), priced(bff()));
    const rest = await rawRequest(bff(), `/api/v1/products/${sku}?currency=USD`);
    const twin = await trpcGet(bff(), 'product.page', { sku, currency: 'USD' });
    expect(rest.status).toBe(200);
    expect(rest.body).toEqual(
      plain(await bff().client.product.page.query({ sku, currency: 'USD' })),
    );
    expect(typeof (rest.body as { product: { updatedAt: unknown } }).product.updatedAt).toBe(
      'string',
    );
    expect(rest.headers.get('cache-control')).toBe(twin.headers.get('cache-control'));
    expect(rest.headers.get('cache-control')).toMatch(/^public, max-age=\d+/);
    expect(rest.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(rest.headers.get('server-timing')).toMatch(/(^|, )erp;dur=[\d.]+, .*cache;desc="miss"$/);
    expect(rest.headers.get('x-request-id')).toBeTruthy();
    expectDocumented(rest, 'get', '/api/v1/products/{sku}');
  });

  it('marks a degraded product page private, as product.page does', async () => {
    bff().sandbox.faults.inject('reviews', { kind: 'status', status: 503 });
    const rest = await rawRequest(bff(), `/api/v1/products/${coldSku(bff())}`);
    expect(rest.status).toBe(200);
    expect((rest.body as { degraded: string[] }).degraded).toEqual(['reviews']);
    expect(rest.headers.get('cache-control')).toBe('private, no-store');
    expectDocumented(rest, 'get', '/api/v1/products/{sku}');
  });

  it('GET /api/v1/products takes the search from the query string, numbers included', async () => {
    const rest = await rawRequest(
      bff(),
      '/api/v1/products?query=&category=&page=2&pageSize=5&currency=JPY',
    );
    expect(rest.status).toBe(200);
    expect(rest.body).toEqual(
      plain(await bff().client.product.search.query({ page: 2, pageSize: 5, currency: 'JPY' })),
    );
    expect((rest.body as { items: unknown[] }).items).toHaveLength(5);
    expectDocumented(rest, 'get', '/api/v1/products');
  });

  it('GET /api/v1/fx-rates answers what fx.rates answers', async () => {
    const rest = await rawRequest(bff(), '/api/v1/fx-rates');
    expect(rest.status).toBe(200);
    expect(rest.body).toEqual(plain(await bff().client.fx.rates.query()));
    expect(rest.headers.get('cache-control')).toMatch(/^public, max-age=300/);
    expectDocumented(rest, 'get', '/api/v1/fx-rates');
  });

  it('refuses what the procedure refuses, with the same status, code, appCode and message', async () => {
    const cases: [string, RawAnswer, RawAnswer][] = [
      [
        'unknown SKU',
        await rawRequest(bff(), `/api/v1/products/${UNKNOWN_SKUS[0]}`),
        await trpcGet(bff(), 'product.page', { sku: UNKNOWN_SKUS[0] }),
      ],
      [
        'bad currency',
        await rawRequest(bff(), '/api/v1/products/000123?currency=usd'),
        await trpcGet(bff(), 'product.page', { sku: '000123', currency: 'usd' }),
      ],
      [
        'unknown currency',
        await rawRequest(bff(), '/api/v1/products?currency=XXX'),
        await trpcGet(bff(), 'product.search', { currency: 'XXX' }),
      ],
      [
        'a field the input does not have',
        await rawRequest(bff(), '/api/v1/products?limit=5'),
        await trpcGet(bff(), 'product.search', { limit: 5 }),
      ],
      [
        'pageSize out of range',
        await rawRequest(bff(), '/api/v1/products?pageSize=51'),
        await trpcGet(bff(), 'product.search', { pageSize: 51 }),
      ],
      [
        'not a number',
        await rawRequest(bff(), '/api/v1/products?page=two'),
        await trpcGet(bff(), 'product.search', { page: 'two' }),
      ],
      [
        'no token',
        await rawRequest(bff(), '/api/v1/cart'),
        await rawRequest(bff(), '/trpc/cart.get'),
      ],
      [
        'a bad token',
        await rawRequest(bff(), '/api/v1/orders', bearer('not-a-token')),
        await rawRequest(bff(), '/trpc/orders.list', bearer('not-a-token')),
      ],
    ];
    for (const [name, rest, trpc] of cases) {
      expect(rest.status, name).toBeGreaterThanOrEqual(400);
      expectTwinErrors(rest, trpc);
      expect(rest.headers.get('cache-control'), name).toBe('private, no-store');
    }
    expect(restError(cases[0]?.[1] as RawAnswer)).toMatchObject({
      code: 'NOT_FOUND',
      appCode: 'PRODUCT_NOT_FOUND',
    });
    expect(restError(cases[3]?.[1] as RawAnswer).message).toContain("'limit'");
    expect(restError(cases[4]?.[1] as RawAnswer).issues).toEqual([
      expect.objectContaining({ path: ['pageSize'], code: 'too_big' }),
    ]);
    expectDocumented(cases[0]?.[1] as RawAnswer, 'get', '/api/v1/products/{sku}');
    expectDocumented(cases[6]?.[1] as RawAnswer, 'get', '/api/v1/cart');
  });

  it('refuses a query field given twice, a malformed path, an unknown route and a wrong method', async () => {
    const twice = await rawRequest(bff(), '/api/v1/products?page=1&page=2');
    expect(twice.status).toBe(400);
    expect(restError(twice)).toMatchObject({ code: 'BAD_REQUEST', appCode: null });
    expect(restError(twice).message).toContain("'page' is given more than once");

    const malformed = await rawRequest(bff(), '/api/v1/products/%E0%A4%A');
    expect(malformed.status).toBe(400);

    const noRoute = await rawRequest(bff(), '/api/v1/basket');
    expect(noRoute.status).toBe(404);
    expect(restError(noRoute)).toMatchObject({ code: 'NOT_FOUND', appCode: null });

    const wrongMethod = await rawRequest(bff(), '/api/v1/cart', { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');

    const orders = await rawRequest(bff(), '/api/v1/orders', { method: 'PATCH' });
    expect(orders.headers.get('allow')).toBe('GET, POST');
  });

  describe('signed in', () => {
    let token: string;
    beforeAll(async () => {
      token = await bff().sandbox.idp.tokenFor('ann');
    });

    it('GET /api/v1/cart, /api/v1/account/dashboard and /api/v1/orders answer what their procedures answer, privately', async () => {
      const client = signedIn(bff(), 'ann');
      const pairs: [string, string, unknown][] = [
        ['/api/v1/cart', '/api/v1/cart', await client.cart.get.query()],
        [
          '/api/v1/account/dashboard?currency=GBP',
          '/api/v1/account/dashboard',
          await client.account.dashboard.query({ currency: 'GBP' }),
        ],
        ['/api/v1/orders', '/api/v1/orders', await client.orders.list.query()],
      ];
      for (const [url, route, twin] of pairs) {
        const rest = await rawRequest(bff(), url, bearer(token));
        expect(rest.status, url).toBe(200);
        expect(rest.body, url).toEqual(plain(twin));
        expect(rest.headers.get('cache-control'), url).toBe('private, no-store');
        expectDocumented(rest, 'get', route);
      }
    });

    it('PUT /api/v1/cart/items/{sku} sets a quantity as cart.setItem does; a stale version is a 409 VERSION_CONFLICT', async () => {
      const shopper: FreshShopper = await freshShopper(bff());
      const shopperToken = await bff().sandbox.idp.issueToken({ sub: shopper.userId });
      const sku = coldSku(bff(), priced(bff()));
      const put = await rawRequest(
        bff(),
        `/api/v1/cart/items/${sku}?currency=EUR`,
        jsonBody('PUT', { quantity: 2 }, shopperToken),
      );
      expect(put.status).toBe(200);
      const cart = put.body as { version: number; itemCount: number };
      expect(cart.itemCount).toBe(2);
      expect(put.body).toEqual(plain(await shopper.client.cart.get.query()));
      expectDocumented(put, 'put', '/api/v1/cart/items/{sku}');

      const stale = { quantity: 3, expectedVersion: cart.version - 1 };
      const rest = await rawRequest(
        bff(),
        `/api/v1/cart/items/${sku}`,
        jsonBody('PUT', stale, shopperToken),
      );
      const trpc = await rawRequest(
        bff(),
        '/trpc/cart.setItem',
        jsonBody('POST', { json: { sku, ...stale } }, shopperToken),
      );
      expect(rest.status).toBe(409);
      expectTwinErrors(rest, trpc);
      expect(restError(rest).appCode).toBe('VERSION_CONFLICT');
      expectDocumented(rest, 'put', '/api/v1/cart/items/{sku}');
      expect((await shopper.client.cart.get.query()).itemCount).toBe(2);
    });

    it('POST /api/v1/orders places the cart once per clientReference, across both faces', async () => {
      const shopper = await freshShopper(bff());
      const shopperToken = await bff().sandbox.idp.issueToken({ sub: shopper.userId });
      const reference = newReference();
      const empty = await rawRequest(
        bff(),
        '/api/v1/orders',
        jsonBody('POST', { shipTo: SHIP_TO, clientReference: reference }, shopperToken),
      );
      expect(empty.status).toBe(400);
      expect(restError(empty)).toMatchObject({ code: 'BAD_REQUEST', appCode: 'EMPTY_CART' });

      await shopper.client.cart.setItem.mutate({ sku: coldSku(bff(), priced(bff())), quantity: 1 });
      const placed = await rawRequest(
        bff(),
        '/api/v1/orders',
        jsonBody('POST', { shipTo: SHIP_TO, clientReference: reference }, shopperToken),
      );
      expect(placed.status).toBe(200);
      expectDocumented(placed, 'post', '/api/v1/orders');
      const again = await shopper.client.orders.place.mutate({
        shipTo: SHIP_TO,
        clientReference: reference,
      });
      expect(placed.body).toEqual(plain(again));
      expect((await shopper.client.orders.list.query()).orders).toHaveLength(1);
    });

    it('refuses a body that is not JSON, not an object, malformed, or with a field given twice, changing nothing', async () => {
      const shopper = await freshShopper(bff());
      const shopperToken = await bff().sandbox.idp.issueToken({ sub: shopper.userId });
      const path = `/api/v1/cart/items/${coldSku(bff())}`;
      const notJson = await rawRequest(bff(), path, {
        method: 'PUT',
        headers: { 'content-type': 'text/plain', authorization: `Bearer ${shopperToken}` },
        body: 'quantity=1',
      });
      expect(notJson.status).toBe(415);
      expect(restError(notJson).code).toBe('UNSUPPORTED_MEDIA_TYPE');
      const malformed = await rawRequest(bff(), path, {
        ...jsonBody('PUT', {}, shopperToken),
        body: '{"quantity":',
      });
      expect(malformed.status).toBe(400);
      expect(restError(malformed).message).toBe('The body is not valid JSON');
      const array = await rawRequest(bff(), path, jsonBody('PUT', [1], shopperToken));
      expect(restError(array).message).toBe('The body must be a JSON object');
      const twice = await rawRequest(
        bff(),
        path,
        jsonBody('PUT', { quantity: 1, sku: 'x' }, shopperToken),
      );
      expect(twice.status).toBe(400);
      expect(restError(twice).message).toContain("'sku' is given more than once");
      const unknown = await rawRequest(bff(), path, jsonBody('PUT', { qty: 1 }, shopperToken));
      expect(unknown.status).toBe(400);
      expect(restError(unknown).message).toContain("'qty' is not a field");
      expect((await shopper.client.cart.get.query()).itemCount).toBe(0);
    });
  });

  it('keeps upstream details from clients: a failing ERP is a 502 UPSTREAM_UNAVAILABLE with nothing of the ERP in it', async () => {
    bff().sandbox.faults.inject('erp', { kind: 'soap-fault' }, { operation: 'GetProduct' });
    const rest = await rawRequest(bff(), `/api/v1/products/${coldSku(bff())}`);
    expect(rest.status).toBe(502);
    expect(restError(rest)).toMatchObject({ code: 'BAD_GATEWAY', appCode: 'UPSTREAM_UNAVAILABLE' });
    expect(rest.headers.get('server-timing')).toMatch(/(^|, )erp;dur=[\d.]+/);
    expectNoLeak(bff(), rest.text);
    expectDocumented(rest, 'get', '/api/v1/products/{sku}');
  });

  it('counts REST calls in the same rate limit as tRPC calls: 429 RATE_LIMITED with Retry-After and RateLimit fields, no upstream call', async () => {
    const limited = await extra.start({
      env: { RATE_LIMIT_POINTS: '2', RATE_LIMIT_WINDOW_S: '60' },
    });
    expect((await rawRequest(limited, '/api/v1/fx-rates')).status).toBe(200);
    expect((await rawRequest(limited, '/trpc/fx.rates')).status).toBe(200);
    limited.sandbox.calls.reset();
    const refused = await rawRequest(limited, '/api/v1/products/000123');
    expect(refused.status).toBe(429);
    expect(restError(refused)).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      appCode: 'RATE_LIMITED',
      retryAfterSeconds: expect.any(Number) as number,
    });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(restError(refused).retryAfterSeconds).toBe(retryAfter);
    expect(refused.headers.get('ratelimit-policy')).toBe('"default";q=2;w=60');
    expect(refused.headers.get('ratelimit')).toBe(`"default";r=0;t=${String(retryAfter)}`);
    expect(limited.sandbox.calls.snapshot()).toEqual({});
  });

  it('refuses a body over MAX_BODY_BYTES with a 413 that names the limit, announced or not', async () => {
    const small = await extra.start({ env: { MAX_BODY_BYTES: '1024' } });
    const token = await small.sandbox.idp.tokenFor('ann');
    const body = JSON.stringify({
      shipTo: { ...SHIP_TO, name: 'A'.repeat(1100) },
      clientReference: newReference(),
    });
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    const announced = await rawRequest(small, '/api/v1/orders', { method: 'POST', headers, body });
    expect(announced.status).toBe(413);
    expect(restError(announced)).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'The body is larger than 1024 bytes',
    });
    // Sent in chunks without a length: cut off at the same bound while it is read.
    const chunked = await rawRequest(small, '/api/v1/orders', {
      method: 'POST',
      headers,
      body: new Blob([body]).stream(),
      duplex: 'half',
    });
    expect(chunked.status).toBe(413);
    expect(restError(chunked).message).toBe('The body is larger than 1024 bytes');
    // No backend call (the identity provider's keys were read to know who is rate-limited).
    expect(
      Object.keys(small.sandbox.calls.snapshot()).filter((call) => !call.startsWith('idp ')),
    ).toEqual([]);
  });
  it('answers browsers from CORS_ORIGINS: a PUT preflight is allowed, and answers carry the origin', async () => {
    const origin = 'https://shop.example';
    const cors = await extra.start({ env: { CORS_ORIGINS: origin } });
    const preflight = await rawRequest(cors, '/api/v1/cart/items/000123', {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PUT');
    const answer = await rawRequest(cors, '/api/v1/fx-rates', { headers: { origin } });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe(origin);
    const stranger = await rawRequest(cors, '/api/v1/fx-rates', {
      headers: { origin: 'https://evil.example' },
    });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
  });
});
