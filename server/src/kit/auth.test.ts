import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { AuthError, createTokenVerifier, type TokenVerifierOptions } from './auth.js';

const ISSUER = 'https://id.example';
const AUDIENCE = 'storefront-bff';

interface Key {
  kid: string;
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  jwk: JWK;
}

async function rsaKey(kid: string, alg = 'RS256'): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

function sign(key: Key, header: Record<string, unknown> = {}, alg = 'RS256'): Promise<string> {
  return new SignJWT({ sub: 'u-1001' })
    .setProtectedHeader({ alg, kid: key.kid, ...header })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(key.privateKey);
}

/** An identity provider the test controls: its published keys, whether it answers, how often it was asked. */
function provider(keys: Key[]) {
  const state = { keys, up: true, fetches: 0, now: 1_000_000 };
  const options = (extra: Partial<TokenVerifierOptions> = {}): TokenVerifierOptions => ({
    issuer: ISSUER,
    audience: AUDIENCE,
    fetchJwks: () => {
      state.fetches += 1;
      return state.up
        ? Promise.resolve({ keys: state.keys.map((key) => key.jwk) })
        : Promise.reject(new Error('idp: network'));
    },
    jwksCooldownMs: 1_000,
    jwksMaxAgeMs: 600_000,
    jwksStaleMs: 3_600_000,
    now: () => state.now,
    ...extra,
  });
  return { state, options };
}

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    return error instanceof AuthError ? error.reason : 'other';
  }
}

let signing: Key;
let attacker: Key;
beforeAll(async () => {
  signing = await rsaKey('k-1');
  attacker = await rsaKey('k-evil');
});

describe('createTokenVerifier', () => {
  it('accepts a token of a published key, with the Bearer scheme in any case', async () => {
    const { options } = provider([signing]);
    const verify = createTokenVerifier(options());
    const token = await sign(signing);
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR'])
      expect(await verify(`${scheme} ${token}`)).toEqual({ id: 'u-1001' });
  });

  it('keeps using the keys it knows while the JWKS endpoint fails, for jwksStaleMs, and refuses them after', async () => {
    const { state, options } = provider([signing]);
    const verify = createTokenVerifier(options());
    const token = await sign(signing);
    await verify(`Bearer ${token}`);
    state.up = false;
    // Past the keys' max age: a fetch is tried, fails, and the known key still serves.
    state.now += 700_000;
    expect(await verify(`Bearer ${token}`)).toEqual({ id: 'u-1001' });
    state.now += 2_800_000;
    expect(await reasonOf(verify(`Bearer ${token}`))).toBe('accepted');
    state.now += 200_000;
    expect(await reasonOf(verify(`Bearer ${token}`))).toBe('unknown-key');
    state.up = true;
    state.now += 2_000;
    expect(await reasonOf(verify(`Bearer ${token}`))).toBe('accepted');
  });

  it('refuses a token whose key is unknown while the identity provider cannot be reached', async () => {
    const { state, options } = provider([signing]);
    state.up = false;
    const verify = createTokenVerifier(options());
    expect(await reasonOf(verify(`Bearer ${await sign(signing)}`))).toBe('unknown-key');
  });

  it('fetches the JWKS at most once per cooldown for a flood of tokens with random kids', async () => {
    const { state, options } = provider([signing]);
    const verify = createTokenVerifier(options());
    await verify(`Bearer ${await sign(signing)}`);
    expect(state.fetches).toBe(1);
    const flood = await Promise.all(
      Array.from({ length: 200 }, (_, i) => sign({ ...attacker, kid: `random-${String(i)}` })),
    );
    for (const token of flood)
      expect(await reasonOf(verify(`Bearer ${token}`))).toBe('unknown-key');
    state.now += 500;
    for (const token of flood.slice(0, 50)) await reasonOf(verify(`Bearer ${token}`));
    // The first unknown kid came within the cooldown of the first fetch: none at all so far.
    expect(state.fetches).toBe(1);
    state.now += 600;
    await Promise.all(flood.map((token) => reasonOf(verify(`Bearer ${token}`))));
    expect(state.fetches).toBe(2);
  });

  it('never looks at jku, x5u or an embedded jwk: a token signed by a key it carries itself is refused', async () => {
    const { state, options } = provider([signing]);
    const verify = createTokenVerifier(options());
    const embedded = await sign(attacker, { jwk: attacker.jwk, kid: 'k-1' });
    const jku = await sign(attacker, {
      jku: 'https://evil.example/jwks.json',
      x5u: 'https://evil.example/cert.pem',
      kid: 'k-1',
    });
    expect(await reasonOf(verify(`Bearer ${embedded}`))).toBe('invalid');
    expect(await reasonOf(verify(`Bearer ${jku}`))).toBe('invalid');
    expect(state.fetches).toBe(1);
  });

  it('accepts only the algorithm a key declares: none, HS256 with the public key, and another RSA algorithm are refused', async () => {
    const { options } = provider([signing]);
    const verify = createTokenVerifier(options());
    const header = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const payload = header({
      sub: 'u-1001',
      iss: ISSUER,
      aud: AUDIENCE,
      iat: 1,
      exp: 9_999_999_999,
    });
    expect(
      await reasonOf(verify(`Bearer ${header({ alg: 'none', kid: 'k-1' })}.${payload}.`)),
    ).toBe('malformed');
    const hs = await new SignJWT({ sub: 'u-1001' })
      .setProtectedHeader({ alg: 'HS256', kid: 'k-1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(JSON.stringify(signing.jwk)));
    expect(await reasonOf(verify(`Bearer ${hs}`))).toBe('invalid');
    // RS384 under the kid of a key that declares RS256.
    const rs384 = await rsaKey('k-1', 'RS384');
    expect(await reasonOf(verify(`Bearer ${await sign(rs384, {}, 'RS384')}`))).toBe('unknown-key');
  });
});
