import { performance } from 'node:perf_hooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../start-sandbox.js';
import { callJson, useSandbox } from '../testing/helpers.js';
import { SERVICE_NAMES } from './types.js';

const PRICES_PATH = '/v2/prices?skus=000123,123';
const REVIEWS_PATH = '/products/000123/reviews?limit=3&sort=recent';

/** A raw request with the service's key, for answers that are not JSON or never come. */
function fetchPrices(sandbox: Sandbox, init: RequestInit = {}): Promise<Response> {
  return fetch(`${sandbox.urls.pricing}${PRICES_PATH}`, {
    ...init,
    headers: { 'x-api-key': sandbox.keys.pricing },
  });
}

describe('fault injection on JSON services', () => {
  const sandbox = useSandbox();

  afterEach(() => {
    sandbox().faults.clear();
    sandbox().calls.reset();
  });

  it('answers an injected 503 with Retry-After and the JSON error body', async () => {
    sandbox().faults.inject('pricing', { kind: 'status', status: 503 });

    const { status, headers, body } = await callJson(sandbox(), 'pricing', PRICES_PATH);

    expect(status).toBe(503);
    expect(headers.get('retry-after')).toBe('1');
    expect(headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(body).toEqual({ error: 'unavailable' });
  });

  it('answers an injected 429 with the given Retry-After, and a 500 without one', async () => {
    sandbox().faults.inject(
      'reviews',
      { kind: 'status', status: 429, retryAfterSeconds: 7 },
      { times: 1 },
    );
    sandbox().faults.inject('pricing', { kind: 'status', status: 500 }, { times: 1 });

    const limited = await callJson(sandbox(), 'reviews', REVIEWS_PATH);
    const failed = await callJson(sandbox(), 'pricing', PRICES_PATH);

    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.body).toEqual({ error: 'too_many_requests' });
    expect(failed.status).toBe(500);
    expect(failed.headers.get('retry-after')).toBeNull();
    expect(failed.body).toEqual({ error: 'internal' });
  });

  it('answers an injected 401 with the service’s usual {"error":"unauthorized"} body', async () => {
    sandbox().faults.inject('pricing', { kind: 'status', status: 401 }, { times: 1 });

    const { status, body } = await callJson(sandbox(), 'pricing', PRICES_PATH);

    expect(status).toBe(401);
    expect(body).toEqual({ error: 'unauthorized' });
  });

  it('faults only the service it was injected into', async () => {
    sandbox().faults.inject('pricing', { kind: 'status', status: 503 });

    expect((await callJson(sandbox(), 'reviews', REVIEWS_PATH)).status).toBe(200);
    expect((await callJson(sandbox(), 'pricing', PRICES_PATH)).status).toBe(503);
  });

  it('answers 200 with a body that is not valid JSON for malformed', async () => {
    sandbox().faults.inject('pricing', { kind: 'malformed' });

    const response = await fetchPrices(sandbox());
    const text = await response.text();

    expect(response.status).toBe(200);
    expect(text.length).toBeGreaterThan(0);
    expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
  });

  it('never answers for hang: the client’s timeout aborts the request', async () => {
    sandbox().faults.inject('reviews', { kind: 'hang' });

    const request = fetch(`${sandbox().urls.reviews}${REVIEWS_PATH}`, {
      headers: { 'x-api-key': sandbox().keys.reviews },
      signal: AbortSignal.timeout(300),
    });

    await expect(request).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('destroys the connection for reset: fetch rejects', async () => {
    sandbox().faults.inject('pricing', { kind: 'reset' });

    await expect(fetchPrices(sandbox())).rejects.toThrow(TypeError);
  });

  it('adds at least the injected latency and then answers normally', async () => {
    sandbox().faults.inject('pricing', { kind: 'latency', ms: 250 });

    const started = performance.now();
    const { status } = await callJson(sandbox(), 'pricing', PRICES_PATH);
    const elapsed = performance.now() - started;

    expect(status).toBe(200);
    expect(elapsed).toBeGreaterThanOrEqual(240);
    expect(elapsed).toBeLessThan(5_000);
  });

  it('applies a fault with an operation filter to that operation only', async () => {
    sandbox().faults.inject(
      'accounts',
      { kind: 'status', status: 503 },
      { operation: 'getLoyalty' },
    );

    expect((await callJson(sandbox(), 'accounts', '/users/u-1001')).status).toBe(200);
    expect((await callJson(sandbox(), 'accounts', '/users/u-1001/loyalty')).status).toBe(503);
  });

  it('applies a fault with times to that many requests, then answers normally', async () => {
    sandbox().faults.inject('pricing', { kind: 'status', status: 503 }, { times: 2 });

    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await callJson(sandbox(), 'pricing', PRICES_PATH)).status);

    expect(statuses).toEqual([503, 503, 200]);
    expect(sandbox().faults.list()).toEqual([]);
  });

  it('uses up a filtered fault only on requests for its operation', async () => {
    sandbox().faults.inject(
      'accounts',
      { kind: 'status', status: 503 },
      { operation: 'getLoyalty', times: 1 },
    );

    expect((await callJson(sandbox(), 'accounts', '/users/u-1001')).status).toBe(200);
    expect(sandbox().faults.list()).toEqual([
      {
        service: 'accounts',
        fault: { kind: 'status', status: 503 },
        operation: 'getLoyalty',
        remaining: 1,
      },
    ]);
    expect((await callJson(sandbox(), 'accounts', '/users/u-1001/loyalty')).status).toBe(503);
    expect((await callJson(sandbox(), 'accounts', '/users/u-1001/loyalty')).status).toBe(200);
  });

  it('answers normally again after clear(), for one service or for all', async () => {
    sandbox().faults.inject('pricing', { kind: 'status', status: 503 });
    sandbox().faults.inject('reviews', { kind: 'status', status: 503 });

    sandbox().faults.clear('pricing');

    expect((await callJson(sandbox(), 'pricing', PRICES_PATH)).status).toBe(200);
    expect((await callJson(sandbox(), 'reviews', REVIEWS_PATH)).status).toBe(503);

    sandbox().faults.clear();

    expect((await callJson(sandbox(), 'reviews', REVIEWS_PATH)).status).toBe(200);
    expect(sandbox().faults.list()).toEqual([]);
  });

  it('refuses a soap-fault for a service other than the ERP', () => {
    expect(() => {
      sandbox().faults.inject('pricing', { kind: 'soap-fault' });
    }).toThrow();
    expect(sandbox().faults.list()).toEqual([]);
  });

  it('refuses times that are not positive', () => {
    expect(() => {
      sandbox().faults.inject('pricing', { kind: 'status', status: 503 }, { times: 0 });
    }).toThrow();
  });
});

describe('call counting', () => {
  const sandbox = useSandbox();

  afterEach(() => {
    sandbox().faults.clear();
    sandbox().calls.reset();
  });

  it('counts requests per service and per operation', async () => {
    sandbox().calls.reset();

    await callJson(sandbox(), 'pricing', PRICES_PATH);
    await callJson(sandbox(), 'pricing', PRICES_PATH);
    await callJson(sandbox(), 'accounts', '/users/u-1001');
    await callJson(sandbox(), 'accounts', '/users/u-1001/loyalty');

    expect(sandbox().calls.count('pricing')).toBe(2);
    expect(sandbox().calls.count('pricing', 'getPrices')).toBe(2);
    expect(sandbox().calls.count('accounts')).toBe(2);
    expect(sandbox().calls.count('accounts', 'getUser')).toBe(1);
    expect(sandbox().calls.count('accounts', 'getLoyalty')).toBe(1);
    expect(sandbox().calls.count('reviews')).toBe(0);
    expect(sandbox().calls.snapshot()).toEqual({
      'pricing getPrices': 2,
      'accounts getUser': 1,
      'accounts getLoyalty': 1,
    });
  });

  it('counts requests that a fault or a missing key answered', async () => {
    sandbox().faults.inject('pricing', { kind: 'status', status: 503 }, { times: 1 });

    await callJson(sandbox(), 'pricing', PRICES_PATH);
    await callJson(sandbox(), 'pricing', PRICES_PATH, { apiKey: null });

    expect(sandbox().calls.count('pricing', 'getPrices')).toBe(2);
  });

  it('counts a request to no route as operation unknown', async () => {
    const { status } = await callJson(sandbox(), 'pricing', '/v1/prices');

    expect(status).toBe(404);
    expect(sandbox().calls.count('pricing', 'unknown')).toBe(1);
  });

  it('starts every count from 0 after reset()', async () => {
    await callJson(sandbox(), 'pricing', PRICES_PATH);

    sandbox().calls.reset();

    expect(sandbox().calls.count('pricing')).toBe(0);
    expect(sandbox().calls.count('pricing', 'getPrices')).toBe(0);
    expect(sandbox().calls.snapshot()).toEqual({});
  });
});

describe('a sandbox behind a base path', () => {
  const sandbox = useSandbox({ basePath: '/api' });

  it('puts every service’s base URL under the prefix', () => {
    for (const service of SERVICE_NAMES)
      expect(sandbox().urls[service]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api$/);
  });

  it('answers under the prefix', async () => {
    expect((await callJson(sandbox(), 'pricing', PRICES_PATH)).status).toBe(200);
    expect((await callJson(sandbox(), 'accounts', '/users/u-1001')).status).toBe(200);
    expect((await fetch(`${sandbox().urls.fx}/stats/eurofxref/eurofxref-daily.xml`)).status).toBe(
      200,
    );
    expect((await fetch(sandbox().idp.jwksUrl)).status).toBe(200);
    expect(sandbox().idp.jwksUrl).toBe(`${sandbox().urls.idp}/.well-known/jwks.json`);
  });

  it('answers 404 to a path outside the prefix', async () => {
    const origin = new URL(sandbox().urls.pricing).origin;

    const response = await fetch(`${origin}${PRICES_PATH}`, {
      headers: { 'x-api-key': sandbox().keys.pricing },
    });

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'not_found' });
  });

  it('does not take a longer path that only starts with the prefix', async () => {
    const origin = new URL(sandbox().urls.pricing).origin;

    const response = await fetch(`${origin}/apiv2/prices?skus=000123`, {
      headers: { 'x-api-key': sandbox().keys.pricing },
    });

    expect(response.status).toBe(404);
  });
});

describe('the default realistic latency', () => {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    // No latency option: the default ('realistic') applies.
    sandbox = await startSandbox({ products: 100 });
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('makes a reviews call take at least 100 ms', async () => {
    if (!sandbox) throw new Error('the sandbox has not started');

    const started = performance.now();
    const { status } = await callJson(sandbox, 'reviews', REVIEWS_PATH);
    const elapsed = performance.now() - started;

    expect(status).toBe(200);
    // 99 rather than 100: timers have millisecond granularity.
    expect(elapsed).toBeGreaterThanOrEqual(99);
    expect(elapsed).toBeLessThan(5_000);
  });
});

describe('requests in flight', () => {
  const sandbox = useSandbox();

  it('counts a hanging request as in flight until its client goes away', async () => {
    const s = sandbox();
    s.faults.inject('reviews', { kind: 'hang' });
    const controller = new AbortController();
    const pending = fetch(`${s.urls.reviews}/products/000123/reviews`, {
      headers: { 'x-api-key': s.keys.reviews },
      signal: controller.signal,
    });
    await expect.poll(() => s.calls.inFlight('reviews')).toBe(1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    await expect.poll(() => s.calls.inFlight('reviews')).toBe(0);
  });
});
