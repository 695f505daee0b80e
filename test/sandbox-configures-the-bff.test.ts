import { startSandbox, type Sandbox } from '@storefront/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The configuration variables of docs/api.md that the BFF needs when upstreams are configured. */
const REQUIRED_WITH_URLS = [
  'ERP_URL',
  'FX_URL',
  'PRICING_URL',
  'REVIEWS_URL',
  'RECOMMENDATIONS_URL',
  'ACCOUNTS_URL',
  'ORDERS_URL',
  'CART_URL',
  'WISHLIST_URL',
  'NOTIFICATIONS_URL',
  'ERP_API_KEY',
  'PRICING_API_KEY',
  'REVIEWS_API_KEY',
  'RECOMMENDATIONS_API_KEY',
  'ACCOUNTS_API_KEY',
  'ORDERS_API_KEY',
  'CART_API_KEY',
  'WISHLIST_API_KEY',
  'NOTIFICATIONS_API_KEY',
  'AUTH_JWKS_URL',
  'AUTH_ISSUER',
  'AUTH_AUDIENCE',
];

describe('the sandbox as the BFF sees it', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ latency: 'none', products: 100, basePath: '/gateway' });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('gives every variable docs/api.md requires with the upstream URLs, each URL under the base path', () => {
    const env = sandbox.env();
    expect(Object.keys(env)).toEqual(expect.arrayContaining(REQUIRED_WITH_URLS));
    for (const [name, value] of Object.entries(env)) {
      if (name.endsWith('_URL')) expect(value, name).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/gateway/);
    }
  });

  it('answers 401 at every keyed JSON service without the key and 200 with it', async () => {
    const env = sandbox.env();
    const probes: [string, string, string][] = [
      ['PRICING_URL', 'PRICING_API_KEY', '/v2/prices?skus=000123'],
      ['REVIEWS_URL', 'REVIEWS_API_KEY', '/products/000123/reviews?limit=3&sort=recent'],
      ['RECOMMENDATIONS_URL', 'RECOMMENDATIONS_API_KEY', '/v1/recommendations?sku=000123&limit=8'],
      ['ACCOUNTS_URL', 'ACCOUNTS_API_KEY', '/users/u-1001'],
      ['ORDERS_URL', 'ORDERS_API_KEY', '/users/u-1001/orders?limit=5'],
      ['CART_URL', 'CART_API_KEY', '/carts/u-1001'],
      ['WISHLIST_URL', 'WISHLIST_API_KEY', '/users/u-1001/wishlist'],
      [
        'NOTIFICATIONS_URL',
        'NOTIFICATIONS_API_KEY',
        '/users/u-1001/notifications?unread=true&limit=5',
      ],
    ];
    for (const [url, key, path] of probes) {
      const without = await fetch(`${env[url] ?? ''}${path}`);
      expect(without.status, url).toBe(401);
      expect(await without.json()).toEqual({ error: 'unauthorized' });
      const withKey = await fetch(`${env[url] ?? ''}${path}`, {
        headers: { 'x-api-key': env[key] ?? '' },
      });
      expect(withKey.status, url).toBe(200);
      expect(withKey.headers.get('content-type')).toBe('application/json; charset=utf-8');
    }
  });
});
