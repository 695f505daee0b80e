import { loadConfig, UPSTREAM_KEY_VARIABLES, UPSTREAM_URL_VARIABLES } from '@storefront/server';
import { describe, expect, it } from 'vitest';
import { useBff } from '../helpers/bff.js';
import { CACHE_ON } from '../helpers/cache.js';
import { rawRequest, type RawAnswer } from '../helpers/wire.js';

// OWASP API8:2023, security misconfiguration: headers browsers rely on, CORS, errors, production
// settings.

const ORIGIN = 'https://shop.example';
const page = `/trpc/product.page?input=${encodeURIComponent(JSON.stringify({ json: { sku: '000123' } }))}`;

describe('API8: headers and CORS', () => {
  const bff = useBff({
    env: { ...CACHE_ON, CORS_ORIGINS: `${ORIGIN}, https://admin.shop.example` },
  });

  const answers = async (): Promise<[string, RawAnswer][]> => [
    ['a page', await rawRequest(bff(), page)],
    ['a kept page', await rawRequest(bff(), page)],
    ['an error', await rawRequest(bff(), '/trpc/product.page?input=%7B%7D')],
    ['an unknown procedure', await rawRequest(bff(), '/trpc/admin.users')],
    ['an unknown path', await rawRequest(bff(), '/.env')],
    ['/healthz', await rawRequest(bff(), '/healthz')],
    [
      'a refused token',
      await rawRequest(bff(), '/trpc/orders.list', { headers: { authorization: 'Bearer x.y.z' } }),
    ],
  ];

  it('sends X-Content-Type-Options: nosniff and no X-Powered-By on every answer, and JSON on every error', async () => {
    for (const [what, answer] of await answers()) {
      expect(answer.headers.get('x-content-type-options'), what).toBe('nosniff');
      expect(answer.headers.get('x-powered-by'), what).toBeNull();
      if (answer.status >= 400)
        expect(answer.headers.get('content-type'), what).toMatch(/^application\/json/);
    }
  });

  it('answers a preflight from an allowed origin with that origin (never *), and without credentials', async () => {
    const answer = await rawRequest(bff(), '/trpc/cart.get', {
      method: 'OPTIONS',
      headers: {
        origin: ORIGIN,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(answer.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
    expect(answer.headers.get('vary')).toContain('Origin');
  });

  it('gives another origin no CORS header, refuses its preflight, and says every answer varies by Origin', async () => {
    const preflight = await rawRequest(bff(), '/trpc/cart.get', {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const answer = await rawRequest(bff(), page, { headers: { origin: 'https://evil.example' } });
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(answer.headers.get('vary')).toContain('Origin');
  });

  it('keeps Vary and the CORS headers on a kept answer', async () => {
    await rawRequest(bff(), page, { headers: { origin: ORIGIN } });
    expect(bff().app.responses?.memory.size).toBeGreaterThan(0);
    bff().sandbox.calls.reset();
    const kept = await rawRequest(bff(), page, { headers: { origin: ORIGIN } });
    expect(bff().sandbox.calls.snapshot()).toEqual({});
    expect(kept.headers.get('vary')).toContain('Origin');
    expect(kept.headers.get('access-control-allow-origin')).toBe(ORIGIN);
  });

  it('shows no stack trace, whatever NODE_ENV says', async () => {
    for (const [what, answer] of await answers())
      expect(answer.text, what).not.toMatch(/\bat .+\(.+:\d+:\d+\)|stack/i);
  });
});

describe('API8: production settings', () => {
  const complete = (jwks: string) => ({
    ...Object.fromEntries(UPSTREAM_URL_VARIABLES.map((name) => [name, 'https://up.example'])),
    ...Object.fromEntries(UPSTREAM_KEY_VARIABLES.map((name) => [name, 'k'])),
    AUTH_JWKS_URL: jwks,
    AUTH_ISSUER: 'https://id.example',
    AUTH_AUDIENCE: 'storefront-bff',
    NODE_ENV: 'production',
  });

  it('refuses an http: JWKS URL in production unless its host is a loopback address', () => {
    const refused = loadConfig(complete('http://id.example/jwks.json'));
    expect(refused.ok ? [] : refused.errors).toEqual([
      expect.stringContaining('AUTH_JWKS_URL: must be an https URL'),
    ]);
    for (const url of [
      'https://id.example/jwks.json',
      'http://127.0.0.1:9000/jwks.json',
      'http://localhost/jwks.json',
      'http://[::1]:9/jwks.json',
    ])
      expect(loadConfig(complete(url)).ok, url).toBe(true);
  });

  it('refuses a wildcard or a path in CORS_ORIGINS', () => {
    for (const origins of ['*', 'https://shop.example/', 'shop.example'])
      expect(
        loadConfig({ ...complete('https://id.example/j'), CORS_ORIGINS: origins }).ok,
        origins,
      ).toBe(false);
  });
});
