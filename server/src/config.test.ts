import { describe, expect, it } from 'vitest';
import { loadConfig, UPSTREAM_KEY_VARIABLES, UPSTREAM_URL_VARIABLES } from './config.js';

const complete = (): Record<string, string> => ({
  ...Object.fromEntries(
    UPSTREAM_URL_VARIABLES.map((name) => [
      name,
      `https://${name.toLowerCase().replace('_url', '')}.internal.example/base`,
    ]),
  ),
  ...Object.fromEntries(UPSTREAM_KEY_VARIABLES.map((name) => [name, `key-of-${name}`])),
  AUTH_JWKS_URL: 'https://id.example/.well-known/jwks.json',
  AUTH_ISSUER: 'https://id.example',
  AUTH_AUDIENCE: 'storefront-bff',
});

describe('loadConfig', () => {
  it('knows only real upstreams: with nothing configured it names every missing variable, in production or not', () => {
    for (const env of [{}, { NODE_ENV: 'production' }]) {
      const result = loadConfig(env);
      expect(result.ok).toBe(false);
      const errors = result.ok ? '' : result.errors.join('\n');
      for (const name of [
        ...UPSTREAM_URL_VARIABLES,
        ...UPSTREAM_KEY_VARIABLES,
        'AUTH_JWKS_URL',
        'AUTH_ISSUER',
        'AUTH_AUDIENCE',
      ])
        expect(errors).toContain(`${name}: required`);
    }
  });

  it('gives every setting a production-safe default', () => {
    const result = loadConfig(complete());
    expect(result).toMatchObject({
      ok: true,
      config: {
        PORT: 3000,
        HOST: '127.0.0.1',
        MAX_BATCH_SIZE: 50,
        ERP_TIMEOUT_MS: 2000,
        PART_TIMEOUT_MS: 1000,
        UPSTREAM_TIMEOUT_MS: 2000,
        UPSTREAM_MAX_BYTES: 8_388_608,
        CACHE_MAX_BYTES: 67_108_864,
      },
    });
    if (result.ok) expect(result.config.upstreams.erpClientId).toBe('storefront-bff');
  });

  it('accepts a complete configuration, URL path prefixes included', () => {
    const result = loadConfig({
      ...complete(),
      NODE_ENV: 'production',
      PORT: '8080',
      ERP_CLIENT_ID: 'shop-eu',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) throw new Error('expected a configuration');
    expect(result.config.upstreams.urls.ERP_URL).toBe('https://erp.internal.example/base');
    expect(result.config.upstreams.erpClientId).toBe('shop-eu');
    expect(result.config.PORT).toBe(8080);
  });

  it('refuses some URLs without the others, naming each missing one', () => {
    const env = complete();
    delete env.CART_URL;
    delete env.WISHLIST_URL;
    const result = loadConfig(env);
    expect(result.ok ? [] : result.errors).toEqual([
      'CART_URL: required when upstream URLs are set (all or none)',
      'WISHLIST_URL: required when upstream URLs are set (all or none)',
    ]);
  });

  it('refuses a URL without its key, bad URLs and bad numbers, naming each variable', () => {
    const env = {
      ...complete(),
      PRICING_API_KEY: '',
      ERP_URL: 'ftp://erp',
      AUTH_JWKS_URL: 'not a url',
      PORT: 'eighty',
      PART_TIMEOUT_MS: '-5',
      REDIS_URL: 'http://x',
    };
    const result = loadConfig(env);
    const errors = result.ok ? '' : result.errors.join('\n');
    for (const name of [
      'PRICING_API_KEY',
      'ERP_URL',
      'AUTH_JWKS_URL',
      'PORT',
      'PART_TIMEOUT_MS',
      'REDIS_URL',
    ])
      expect(errors).toContain(name);
    expect(errors).not.toContain('key-of-');
  });
});
