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
    if (result.ok) expect(result.config.upstreams.erp.v1?.clientId).toBe('storefront-bff');
    expect(result).toMatchObject({
      config: { ERP_V2_PERCENT: 0, ERP_SHADOW_PERCENT: 0, ERP_SHADOW_MAX_CONCURRENCY: 8 },
    });
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
    expect(result.config.upstreams.erp.v1?.url).toBe('https://erp.internal.example/base');
    expect(result.config.upstreams.erp.v1?.clientId).toBe('shop-eu');
    expect(result.config.upstreams.erp.v2).toBeUndefined();
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

  describe('the ERP in two versions', () => {
    const v2 = { ERP_V2_URL: 'https://erp-json.internal.example', ERP_V2_API_KEY: 'key-of-v2' };

    it('takes the JSON version instead of the SOAP one, with its key', () => {
      const env: Record<string, string> = { ...complete(), ...v2 };
      delete env.ERP_URL;
      delete env.ERP_API_KEY;
      const result = loadConfig(env);
      if (!result.ok) throw new Error(result.errors.join('; '));
      expect(result.config.upstreams.erp).toEqual({
        v2: { url: 'https://erp-json.internal.example', apiKey: 'key-of-v2' },
      });
    });

    it('takes both, with a share of callers on v2 and a shadow share', () => {
      const result = loadConfig({
        ...complete(),
        ...v2,
        ERP_V2_PERCENT: '12.5',
        ERP_SHADOW_PERCENT: '100',
        ERP_SHADOW_MAX_CONCURRENCY: '4',
      });
      if (!result.ok) throw new Error(result.errors.join('; '));
      expect(result.config.upstreams.erp.v1?.url).toBe('https://erp.internal.example/base');
      expect(result.config.upstreams.erp.v2?.apiKey).toBe('key-of-v2');
      expect(result.config).toMatchObject({
        ERP_V2_PERCENT: 12.5,
        ERP_SHADOW_PERCENT: 100,
        ERP_SHADOW_MAX_CONCURRENCY: 4,
      });
    });

    it('refuses neither version, naming ERP_URL and ERP_V2_URL', () => {
      const env = complete();
      delete env.ERP_URL;
      const result = loadConfig(env);
      expect(result.ok ? [] : result.errors).toEqual([
        'ERP_URL: required when upstream URLs are set (all or none) (or ERP_V2_URL, or both)',
      ]);
    });

    it('refuses a version URL without its key', () => {
      const env: Record<string, string> = { ...complete(), ERP_V2_URL: v2.ERP_V2_URL };
      delete env.ERP_API_KEY;
      const result = loadConfig(env);
      expect(result.ok ? [] : result.errors).toEqual([
        'ERP_API_KEY: required with ERP_URL',
        'ERP_V2_API_KEY: required with ERP_V2_URL',
      ]);
    });

    it('refuses a share of callers or of shadow reads with only one version, and shares outside 0 to 100', () => {
      for (const name of ['ERP_V2_PERCENT', 'ERP_SHADOW_PERCENT']) {
        const one = loadConfig({ ...complete(), [name]: '5' });
        expect(one.ok ? [] : one.errors).toEqual([
          `${name}: needs both ERP versions (ERP_URL and ERP_V2_URL); only one is configured`,
        ]);
        for (const bad of ['101', '-1', 'half']) {
          const result = loadConfig({ ...complete(), ...v2, [name]: bad });
          expect(result.ok ? [] : result.errors).toEqual([
            `${name}: must be a number from 0 to 100`,
          ]);
        }
      }
      const zero = loadConfig({ ...complete(), ERP_V2_PERCENT: '0', ERP_SHADOW_PERCENT: '0' });
      expect(zero.ok).toBe(true);
    });

    it('refuses a JSON version URL that is not http(s)', () => {
      const result = loadConfig({ ...complete(), ...v2, ERP_V2_URL: 'file:///etc/passwd' });
      expect(result.ok ? [] : result.errors).toEqual(['ERP_V2_URL: must be an http(s) URL']);
    });
  });
});
