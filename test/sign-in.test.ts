import { createPublicKey } from 'node:crypto';
import { createStorefrontClient } from '@storefront/client';
import type { Fault } from '@storefront/sandbox';
import { generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { describe, expect, it } from 'vitest';
import { errorOf, useBff, type Bff } from './helpers/bff.js';
import {
  callSignedIn,
  jwtSegment,
  SIGNED_IN_CALLS,
  unsignedToken,
  upstreamCallsBesidesIdp,
  validClaims,
  withPayload,
} from './helpers/tokens.js';
import { expectNoLeak, useExtraBffs, wireError } from './helpers/wire.js';

const UNAUTHORIZED = { code: 'UNAUTHORIZED', appCode: null, httpStatus: 401 };
const now = (): number => Math.floor(Date.now() / 1000);

/** The identity provider's published keys, fetched as any client of it would. */
async function publishedKeys(bff: Bff): Promise<JWK[]> {
  const response = await fetch(bff.sandbox.idp.jwksUrl);
  const jwks = (await response.json()) as { keys: JWK[] };
  return jwks.keys;
}

async function activePublicJwk(bff: Bff): Promise<JWK> {
  const key = (await publishedKeys(bff)).find((k) => k.kid === bff.sandbox.idp.activeKid);
  if (!key) throw new Error('the active key is not in the JWKS');
  return key;
}

/** A token with valid claims, signed with an RSA key the identity provider never published. */
async function signedWithForeignKey(bff: Bff, kid: string): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  return new SignJWT(validClaims(bff, 'u-1001'))
    .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
    .sign(privateKey);
}

/** A token "signed" with HS256, the secret being the provider's public key (the algorithm-confusion attack). */
async function hs256WithPublicKey(bff: Bff, secretOf: (jwk: JWK) => string): Promise<string> {
  const jwk = await activePublicJwk(bff);
  return new SignJWT(validClaims(bff, 'u-1001'))
    .setProtectedHeader({ alg: 'HS256', kid: bff.sandbox.idp.activeKid, typ: 'JWT' })
    .sign(new TextEncoder().encode(secretOf(jwk)));
}

function pemOf(jwk: JWK): string {
  const { kty, n, e } = jwk;
  if (kty !== 'RSA' || n === undefined || e === undefined)
    throw new Error('the active key is not an RSA key');
  return createPublicKey({ key: { kty, n, e }, format: 'jwk' })
    .export({ type: 'spki', format: 'pem' })
    .toString();
}

/** Claims of a sandbox token without `sub` (the sandbox's issueToken types `sub` as required). */
function claimsWithoutSub(): JWTPayload & { sub: string } {
  const claims = { sub: 'u-1001' };
  Reflect.deleteProperty(claims, 'sub');
  return claims;
}

/** Every way of not being signed in: each gives the `Authorization` header to send (undefined: none). */
const notSignedIn: [string, (bff: Bff) => Promise<string | undefined>][] = [
  ['no Authorization header', () => Promise.resolve(undefined)],
  ['an empty Authorization header', () => Promise.resolve('')],
  [
    'Basic credentials',
    () => Promise.resolve(`Basic ${Buffer.from('ann:sandbox').toString('base64')}`),
  ],
  ['Bearer with garbage', () => Promise.resolve('Bearer not-a-token')],
  [
    'Bearer with three garbage segments',
    () => Promise.resolve('Bearer aGVsbG8.d29ybGQ.c2lnbmF0dXJl'),
  ],
  ['a valid token without the Bearer scheme', async (bff) => bff.sandbox.idp.tokenFor('ann')],
  [
    'a token with alg none and an empty signature',
    (bff) =>
      Promise.resolve(
        `Bearer ${unsignedToken({ alg: 'none', typ: 'JWT', kid: bff.sandbox.idp.activeKid }, validClaims(bff, 'u-1001'))}`,
      ),
  ],
  [
    'a token with alg none and a made-up signature',
    (bff) =>
      Promise.resolve(
        `Bearer ${unsignedToken({ alg: 'none', typ: 'JWT', kid: bff.sandbox.idp.activeKid }, validClaims(bff, 'u-1001'))}AAAA`,
      ),
  ],
  [
    'an HS256 token whose secret is the public key as PEM',
    async (bff) => `Bearer ${await hs256WithPublicKey(bff, pemOf)}`,
  ],
  [
    'an HS256 token whose secret is the public JWK',
    async (bff) => `Bearer ${await hs256WithPublicKey(bff, (jwk) => JSON.stringify(jwk))}`,
  ],
  [
    'a token signed by another RSA key under the active kid',
    async (bff) => `Bearer ${await signedWithForeignKey(bff, bff.sandbox.idp.activeKid)}`,
  ],
  [
    'a token signed by another RSA key under an unknown kid',
    async (bff) => `Bearer ${await signedWithForeignKey(bff, 'sbx-unknown')}`,
  ],
  [
    'a token that expired an hour ago (issued 2 h ago)',
    async (bff) =>
      `Bearer ${await bff.sandbox.idp.issueToken({ sub: 'u-1001' }, { issuedAt: now() - 7_200 })}`,
  ],
  [
    'a token that expired 90 s ago, past the 30 s tolerance',
    async (bff) =>
      `Bearer ${await bff.sandbox.idp.issueToken({ sub: 'u-1001' }, { issuedAt: now() - 3_690 })}`,
  ],
  [
    'a token not valid before 10 min from now',
    async (bff) =>
      `Bearer ${await bff.sandbox.idp.issueToken({ sub: 'u-1001', nbf: now() + 600 })}`,
  ],
  [
    'a token of another issuer',
    async (bff) =>
      `Bearer ${await bff.sandbox.idp.issueToken({ sub: 'u-1001', iss: 'https://idp.example.com' })}`,
  ],
  [
    'a token for another audience',
    async (bff) =>
      `Bearer ${await bff.sandbox.idp.issueToken({ sub: 'u-1001', aud: 'another-app' })}`,
  ],
  [
    'a token without sub',
    async (bff) => `Bearer ${await bff.sandbox.idp.issueToken(claimsWithoutSub())}`,
  ],
  [
    'a token without exp',
    async (bff) => `Bearer ${await bff.sandbox.idp.issueToken({ sub: 'u-1001', exp: undefined })}`,
  ],
  [
    'a token whose sub is empty',
    async (bff) => `Bearer ${await bff.sandbox.idp.issueToken({ sub: '' })}`,
  ],
  [
    'a token whose sub is ../admin',
    async (bff) => `Bearer ${await bff.sandbox.idp.issueToken({ sub: '../admin' })}`,
  ],
  [
    'a token whose sub is u-1001/x',
    async (bff) => `Bearer ${await bff.sandbox.idp.issueToken({ sub: 'u-1001/x' })}`,
  ],
  [
    'a token whose sub is u-1001?x=1',
    async (bff) => `Bearer ${await bff.sandbox.idp.issueToken({ sub: 'u-1001?x=1' })}`,
  ],
  [
    'a token whose sub is 100 characters',
    async (bff) => `Bearer ${await bff.sandbox.idp.issueToken({ sub: `u-${'1'.repeat(98)}` })}`,
  ],
  [
    'a token whose payload was changed after signing',
    async (bff) => {
      const token = await bff.sandbox.idp.tokenFor('ann');
      return `Bearer ${withPayload(token, { ...jwtSegment(token, 1), sub: 'u-1003' })}`;
    },
  ],
];

describe('signed-in procedures refuse a request that is not signed in', () => {
  const bff = useBff();

  it.each(notSignedIn)(
    'answers UNAUTHORIZED to %s on every signed-in procedure, calling no upstream',
    async (_, authorizationOf) => {
      const authorization = await authorizationOf(bff());
      for (const call of SIGNED_IN_CALLS) {
        const answer = await callSignedIn(bff(), call, authorization);
        expect(answer.status, call.path).toBe(401);
        expect(wireError(answer.body)?.data, call.path).toMatchObject(UNAUTHORIZED);
        expectNoLeak(bff(), answer.text);
      }
      expect(upstreamCallsBesidesIdp(bff().sandbox.calls.snapshot())).toEqual([]);
    },
  );

  it('builds the tokens it means to build', async () => {
    // Guards of the cases above: each forged token is what its name says.
    expect(
      jwtSegment(await bff().sandbox.idp.issueToken(claimsWithoutSub()), 1),
    ).not.toHaveProperty('sub');
    expect(
      jwtSegment(await bff().sandbox.idp.issueToken({ sub: 'u-1001', exp: undefined }), 1),
    ).not.toHaveProperty('exp');
    expect(jwtSegment(await hs256WithPublicKey(bff(), pemOf), 0)).toMatchObject({ alg: 'HS256' });
    expect(pemOf(await activePublicJwk(bff()))).toContain('BEGIN PUBLIC KEY');
  });

  it('shows the typed client UNAUTHORIZED with appCode null', async () => {
    const expired = await bff().sandbox.idp.issueToken(
      { sub: 'u-1001' },
      { issuedAt: now() - 7_200 },
    );
    const client = createStorefrontClient({ url: `${bff().url}/trpc`, getToken: () => expired });
    const anonymous = createStorefrontClient({ url: `${bff().url}/trpc` });
    for (const call of [
      () => client.cart.get.query({}),
      () => client.orders.list.query(),
      () => anonymous.account.dashboard.query({}),
    ]) {
      const { data } = await errorOf(call());
      expect(data).toMatchObject(UNAUTHORIZED);
    }
    expect(upstreamCallsBesidesIdp(bff().sandbox.calls.snapshot())).toEqual([]);
  });

  it('accepts a token that expired 10 s ago (within the default 30 s tolerance)', async () => {
    const token = await bff().sandbox.idp.issueToken(
      { sub: 'u-1003' },
      { issuedAt: now() - 3_610 },
    );
    const client = createStorefrontClient({ url: `${bff().url}/trpc`, getToken: () => token });
    const cart = await client.cart.get.query({});
    expect(cart.items.map((item) => item.sku)).toEqual(['000220']);
  });

  it('accepts a token not valid before 10 s from now (within the default 30 s tolerance)', async () => {
    const token = await bff().sandbox.idp.issueToken({ sub: 'u-1003', nbf: now() + 10 });
    const client = createStorefrontClient({ url: `${bff().url}/trpc`, getToken: () => token });
    const orders = await client.orders.list.query();
    expect(orders.orders).toEqual([]);
  });
});

describe('signed-in procedures with a token of the identity provider', () => {
  const bff = useBff();

  it('serves every signed-in procedure to a token from POST /token, as the user the token names', async () => {
    const response = await fetch(bff().sandbox.idp.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'zoe', password: 'sandbox' }),
    });
    const { access_token: token } = (await response.json()) as { access_token: string };
    const zoe = createStorefrontClient({ url: `${bff().url}/trpc`, getToken: () => token });

    const cart = await zoe.cart.get.query({});
    expect(cart.items.map(({ sku, quantity }) => ({ sku, quantity }))).toEqual([
      { sku: '000220', quantity: 3 },
    ]);
    expect(cart.itemCount).toBe(3);

    const dashboard = await zoe.account.dashboard.query({});
    expect(dashboard.profile.id).toBe('u-1003');
    expect(dashboard.cart?.itemCount).toBe(3);

    expect((await zoe.orders.list.query()).orders).toEqual([]);

    const changed = await zoe.cart.setItem.mutate({ sku: '000219', quantity: 1 });
    expect(changed.itemCount).toBe(4);
    expect(
      bff()
        .sandbox.store.carts.get('u-1003')
        ?.items.map((item) => item.sku)
        .sort(),
    ).toEqual(['000219', '000220']);

    const order = await zoe.orders.place.mutate({
      shipTo: {
        name: 'Zoë Ōkubo',
        street: 'Hauptstr. 1',
        city: 'Berlin',
        postalCode: '10115',
        country: 'DE',
      },
      clientReference: crypto.randomUUID(),
    });
    expect(order.orderNo).toEqual(expect.any(String));
    expect((await zoe.cart.get.query({})).items).toEqual([]);
    expect((await zoe.orders.list.query()).orders.map((placed) => placed.orderNo)).toEqual([
      order.orderNo,
    ]);
  });

  it("sends the token's sub upstream as the user id", async () => {
    const userId = `u-test-${crypto.randomUUID().slice(0, 8)}`;
    const token = await bff().sandbox.idp.issueToken({ sub: userId });
    const client = createStorefrontClient({ url: `${bff().url}/trpc`, getToken: () => token });
    await client.cart.setItem.mutate({ sku: '000219', quantity: 2 });
    expect(
      bff()
        .sandbox.store.carts.get(userId)
        ?.items.map(({ sku, quantity }) => ({ sku, quantity })),
    ).toEqual([{ sku: '000219', quantity: 2 }]);
    // Ann's cart, and no one else's, was left as it was.
    expect(
      bff()
        .sandbox.store.carts.get('u-1001')
        ?.items.map((item) => item.sku)
        .sort(),
    ).toEqual(['000123', '000206']);
  });

  it("answers ann's cart to ann's token, whatever else the request carries", async () => {
    const token = await bff().sandbox.idp.tokenFor('ann');
    const ann = createStorefrontClient({
      url: `${bff().url}/trpc`,
      getToken: () => token,
      headers: { 'x-user-id': 'u-1003' },
    });
    const cart = await ann.cart.get.query({});
    expect(cart.items.map((item) => item.sku).sort()).toEqual(['000123', '000206']);
  });
});

describe('signing keys that rotate', () => {
  const bff = useBff({ env: { AUTH_JWKS_COOLDOWN_MS: '0' } });
  const extra = useExtraBffs();
  const clientWith = (target: Bff, token: string) =>
    createStorefrontClient({ url: `${target.url}/trpc`, getToken: () => token });

  it('accepts a token signed with a key added after the BFF fetched the JWKS, and tokens of the older key', async () => {
    const { idp } = bff().sandbox;
    const oldKid = idp.activeKid;
    const before = await idp.tokenFor('zoe');
    expect((await clientWith(bff(), before).cart.get.query({})).itemCount).toBe(3);

    const newKid = await idp.rotateKey();
    expect(newKid).not.toBe(oldKid);
    bff().sandbox.calls.reset();
    const after = await idp.tokenFor('zoe');
    expect(jwtSegment(after, 0)).toMatchObject({ kid: newKid });
    expect((await clientWith(bff(), after).cart.get.query({})).itemCount).toBe(3);
    // The unknown kid made the BFF fetch the JWKS again.
    expect(bff().sandbox.calls.count('idp', 'getJwks')).toBeGreaterThanOrEqual(1);

    const oldKidToken = await idp.issueToken({ sub: 'u-1003' }, { kid: oldKid });
    expect(jwtSegment(oldKidToken, 0)).toMatchObject({ kid: oldKid });
    expect((await clientWith(bff(), oldKidToken).cart.get.query({})).itemCount).toBe(3);
  });

  it('still accepts tokens of the new key once the old key is retired', async () => {
    const { idp } = bff().sandbox;
    const oldKid = idp.activeKid;
    const newKid = await idp.rotateKey();
    idp.retireKey(oldKid);
    const token = await idp.tokenFor('zoe');
    expect(jwtSegment(token, 0)).toMatchObject({ kid: newKid });
    expect((await clientWith(bff(), token).cart.get.query({})).itemCount).toBe(3);
  });

  it('refuses, after a rotation, a token under a kid that was never published', async () => {
    await bff().sandbox.idp.rotateKey();
    const { data } = await errorOf(
      clientWith(bff(), await signedWithForeignKey(bff(), 'sbx-never')).cart.get.query({}),
    );
    expect(data).toMatchObject(UNAUTHORIZED);
  });

  it('refuses a token signed with a key that was retired before the BFF ever saw it', async () => {
    const fresh = await extra.start({ env: { AUTH_JWKS_COOLDOWN_MS: '0' } });
    const { idp } = fresh.sandbox;
    expect((await clientWith(fresh, await idp.tokenFor('zoe')).cart.get.query({})).itemCount).toBe(
      3,
    );
    const briefKid = await idp.rotateKey();
    const token = await idp.issueToken({ sub: 'u-1003' }, { kid: briefKid });
    idp.retireKey(briefKid);
    fresh.sandbox.calls.reset();
    const { data } = await errorOf(clientWith(fresh, token).cart.get.query({}));
    expect(data).toMatchObject(UNAUTHORIZED);
    expect(upstreamCallsBesidesIdp(fresh.sandbox.calls.snapshot())).toEqual([]);
  });
});

describe('sign-in when the identity provider is down', () => {
  const extra = useExtraBffs();

  const idpFaults: [string, Fault][] = [
    ['answers 503', { kind: 'status', status: 503 }],
    ['answers 500', { kind: 'status', status: 500 }],
    ['resets the connection', { kind: 'reset' }],
    ['answers a malformed JWKS', { kind: 'malformed' }],
    ['hangs', { kind: 'hang' }],
  ];

  it.each(idpFaults)(
    'answers UNAUTHORIZED to a token whose key the BFF does not know while the identity provider %s, and accepts it once the provider is back',
    async (_, fault) => {
      const fresh = await extra.start({
        env: { UPSTREAM_TIMEOUT_MS: '500', AUTH_JWKS_COOLDOWN_MS: '0' },
      });
      const token = await fresh.sandbox.idp.tokenFor('zoe');
      fresh.sandbox.faults.inject('idp', fault);

      const answer = await callSignedIn(
        fresh,
        { path: 'cart.get', type: 'query', input: {} },
        `Bearer ${token}`,
      );
      const data = wireError(answer.body)?.data;
      expect(data).toMatchObject(UNAUTHORIZED);
      expect(answer.status).toBe(401);
      expectNoLeak(fresh, answer.text);
      expect(upstreamCallsBesidesIdp(fresh.sandbox.calls.snapshot())).toEqual([]);

      fresh.sandbox.faults.clear();
      const zoe = createStorefrontClient({ url: `${fresh.url}/trpc`, getToken: () => token });
      expect((await zoe.cart.get.query({})).itemCount).toBe(3);
    },
  );

  it('keeps accepting tokens of the keys it already knows while the identity provider is down', async () => {
    const fresh = await extra.start({
      env: { AUTH_JWKS_COOLDOWN_MS: '0', UPSTREAM_TIMEOUT_MS: '300' },
    });
    const zoe = createStorefrontClient({
      url: `${fresh.url}/trpc`,
      getToken: () => fresh.sandbox.idp.tokenFor('zoe'),
    });
    expect((await zoe.cart.get.query({})).itemCount).toBe(3);
    const knownKid = fresh.sandbox.idp.activeKid;
    fresh.sandbox.faults.inject('idp', { kind: 'status', status: 503 });
    await fresh.sandbox.idp.rotateKey();
    // A new kid cannot be learned now: refused. The known one keeps working.
    expect((await errorOf(zoe.cart.get.query({}))).data).toMatchObject(UNAUTHORIZED);
    const known = await fresh.sandbox.idp.issueToken({ sub: 'u-1003' }, { kid: knownKid });
    const withKnown = createStorefrontClient({ url: `${fresh.url}/trpc`, getToken: () => known });
    expect((await withKnown.cart.get.query({})).itemCount).toBe(3);
  });
});
