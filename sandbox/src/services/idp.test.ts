import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTVerifyResult } from 'jose';
import { describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../data/fixtures.js';
import { callJson, useSandbox } from '../testing/helpers.js';
import type { Sandbox } from '../start-sandbox.js';
import { TOKEN_LIFETIME_SECONDS } from './idp.js';

/** Verifies a token the way a relying party does: keys from the JWKS URL (fetched afresh), issuer and audience checked. */
function verify(
  sandbox: Sandbox,
  token: string,
  audience = 'storefront-bff',
): Promise<JWTVerifyResult> {
  const jwks = createRemoteJWKSet(new URL(sandbox.idp.jwksUrl));
  return jwtVerify(token, jwks, { issuer: sandbox.urls.idp, audience, algorithms: ['RS256'] });
}

async function signIn(
  sandbox: Sandbox,
  username: string,
  password: string,
): Promise<{ status: number; body: unknown }> {
  return callJson(sandbox, 'idp', '/token', { method: 'POST', body: { username, password } });
}

function accessTokenOf(body: unknown): string {
  const token =
    typeof body === 'object' && body !== null && 'access_token' in body
      ? body.access_token
      : undefined;
  if (typeof token !== 'string') throw new Error(`no access_token in ${JSON.stringify(body)}`);
  return token;
}

async function publishedKids(sandbox: Sandbox): Promise<unknown[]> {
  const { body } = await callJson(sandbox, 'idp', '/.well-known/jwks.json');
  const keys = typeof body === 'object' && body !== null && 'keys' in body ? body.keys : undefined;
  if (!Array.isArray(keys)) throw new Error(`no keys in ${JSON.stringify(body)}`);
  return keys.map((key: unknown) =>
    typeof key === 'object' && key !== null && 'kid' in key ? key.kid : undefined,
  );
}

describe('identity provider: tokens', () => {
  const sandbox = useSandbox();

  it.each(DEMO_USERS.map((user) => [user.username, user.userId]))(
    'issues %s an RS256 JWT for sub %s that verifies against the JWKS',
    async (username, userId) => {
      const { status, body } = await signIn(sandbox(), username, 'sandbox');

      expect(status).toBe(200);
      expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
      const token = accessTokenOf(body);
      const { payload, protectedHeader } = await verify(sandbox(), token);
      expect(protectedHeader.alg).toBe('RS256');
      expect(protectedHeader.kid).toEqual(expect.any(String));
      expect(await publishedKids(sandbox())).toContain(protectedHeader.kid);
      expect(payload.iss).toBe(sandbox().urls.idp);
      expect(payload.iss).toBe(sandbox().idp.issuer);
      expect(payload.aud).toBe('storefront-bff');
      expect(payload.sub).toBe(userId);
      expect(payload.iat).toEqual(expect.any(Number));
      expect(payload.exp).toBe((payload.iat ?? 0) + TOKEN_LIFETIME_SECONDS);
      expect(Math.abs((payload.iat ?? 0) - Date.now() / 1000)).toBeLessThan(60);
    },
  );

  it('answers 401 to a wrong password', async () => {
    const { status, body } = await signIn(sandbox(), 'ann', 'not-sandbox');

    expect(status).toBe(401);
    expect(body).not.toHaveProperty('access_token');
  });

  it('answers 401 to an unknown username', async () => {
    const { status } = await signIn(sandbox(), 'nobody', 'sandbox');

    expect(status).toBe(401);
  });

  it('answers 400 to a body without username and password', async () => {
    const { status } = await callJson(sandbox(), 'idp', '/token', {
      method: 'POST',
      body: { user: 'ann' },
    });

    expect(status).toBe(400);
  });

  it('publishes public RSA keys only, each with kid, alg RS256 and use sig', async () => {
    const { status, body } = await callJson(sandbox(), 'idp', '/.well-known/jwks.json');

    expect(status).toBe(200);
    const activeKey: unknown = expect.objectContaining({
      kty: 'RSA',
      alg: 'RS256',
      use: 'sig',
      kid: sandbox().idp.activeKid,
    });
    expect(body).toEqual({ keys: [activeKey] });
    expect(JSON.stringify(body)).not.toMatch(/"(d|p|q|dp|dq|qi)":/);
  });

  it('points at its issuer, JWKS and token endpoint from the OpenID configuration', async () => {
    const { body } = await callJson(sandbox(), 'idp', '/.well-known/openid-configuration');

    expect(body).toMatchObject({
      issuer: sandbox().idp.issuer,
      jwks_uri: sandbox().idp.jwksUrl,
      token_endpoint: sandbox().idp.tokenUrl,
    });
  });

  it('signs tokenFor() tokens like POST /token ones', async () => {
    const token = await sandbox().idp.tokenFor('zoe');

    const { payload } = await verify(sandbox(), token);
    expect(payload.sub).toBe('u-1003');
  });

  it('issues an expired token on request, which a relying party rejects as expired', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await sandbox().idp.issueToken({ sub: 'u-1001' }, { issuedAt: now - 7200 });

    await expect(verify(sandbox(), token)).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
  });

  it('issues a token for another audience on request, which fails the storefront-bff audience check', async () => {
    const token = await sandbox().idp.issueToken({ sub: 'u-1001', aud: 'other-app' });

    await expect(verify(sandbox(), token)).rejects.toMatchObject({
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      claim: 'aud',
    });
    const { payload } = await verify(sandbox(), token, 'other-app');
    expect(payload.aud).toBe('other-app');
  });

  it('keeps custom claims and default claims side by side', async () => {
    const token = await sandbox().idp.issueToken(
      { sub: 'u-1002', scope: 'orders:read' },
      { expiresInSeconds: 60 },
    );

    const { payload } = await verify(sandbox(), token);
    expect(payload).toMatchObject({
      sub: 'u-1002',
      scope: 'orders:read',
      aud: 'storefront-bff',
      iss: sandbox().idp.issuer,
    });
    expect(payload.exp).toBe((payload.iat ?? 0) + 60);
  });
});

describe('identity provider: key rotation', () => {
  const sandbox = useSandbox();

  it('publishes a new kid, signs new tokens with it and keeps old tokens valid until the old key is retired', async () => {
    const oldKid = sandbox().idp.activeKid;
    const oldToken = accessTokenOf((await signIn(sandbox(), 'ann', 'sandbox')).body);
    expect(decodeProtectedHeader(oldToken).kid).toBe(oldKid);

    const newKid = await sandbox().idp.rotateKey();

    expect(newKid).not.toBe(oldKid);
    expect(sandbox().idp.activeKid).toBe(newKid);
    expect(await publishedKids(sandbox())).toEqual(expect.arrayContaining([oldKid, newKid]));
    const newToken = accessTokenOf((await signIn(sandbox(), 'ann', 'sandbox')).body);
    expect(decodeProtectedHeader(newToken).kid).toBe(newKid);
    expect((await verify(sandbox(), newToken)).payload.sub).toBe('u-1001');
    expect((await verify(sandbox(), oldToken)).payload.sub).toBe('u-1001');

    sandbox().idp.retireKey(oldKid);

    expect(await publishedKids(sandbox())).toEqual([newKid]);
    await expect(verify(sandbox(), oldToken)).rejects.toMatchObject({
      code: 'ERR_JWKS_NO_MATCHING_KEY',
    });
    expect((await verify(sandbox(), newToken)).payload.sub).toBe('u-1001');
  });

  it('refuses to retire the only signing key', () => {
    const only = sandbox().idp.activeKid;

    expect(() => {
      sandbox().idp.retireKey(only);
    }).toThrow();
  });
});

describe('identity provider with a configured audience', () => {
  const sandbox = useSandbox({ audience: 'my-bff' });

  it('issues tokens for that audience', async () => {
    const token = accessTokenOf((await signIn(sandbox(), 'ben', 'sandbox')).body);

    const { payload } = await verify(sandbox(), token, 'my-bff');
    expect(payload.aud).toBe('my-bff');
    expect(sandbox().idp.audience).toBe('my-bff');
  });
});
