import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { errorOf, type Bff } from '../helpers/bff.js';
import { signedInWith } from '../helpers/shopper.js';
import { callSignedIn, upstreamCallsBesidesIdp } from '../helpers/tokens.js';
import { useExtraBffs, wireError } from '../helpers/wire.js';

// OWASP API2:2023, broken authentication: the identity provider's tokens and nothing else.

const UNAUTHORIZED = { code: 'UNAUTHORIZED', httpStatus: 401 };

/** A token signed by a key of the attacker's, with these header fields (claims valid for the BFF). */
async function attackerToken(
  bff: Bff,
  header: (jwk: object) => Record<string, unknown>,
): Promise<string> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), alg: 'RS256' };
  return new SignJWT({ sub: 'u-1001' })
    .setProtectedHeader({ alg: 'RS256', ...header(jwk) })
    .setIssuer(bff.sandbox.idp.issuer)
    .setAudience(bff.sandbox.idp.audience)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(privateKey);
}

describe('API2: authentication', () => {
  const bffs = useExtraBffs();

  it('accepts the Bearer scheme in any case (RFC 7235)', async () => {
    const bff = await bffs.start();
    const token = await bff.sandbox.idp.tokenFor('ann');
    for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
      const answer = await callSignedIn(
        bff,
        { path: 'orders.list', type: 'query' },
        `${scheme} ${token}`,
      );
      expect(answer.status, scheme).toBe(200);
    }
  });

  it('ignores jku, x5u and an embedded jwk: a token signed by a key it brings along is refused, and the URLs it names are never fetched', async () => {
    const bff = await bffs.start();
    let fetched = 0;
    const evil = createServer((_req, res) => {
      fetched += 1;
      res.end('{"keys":[]}');
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${String((evil.address() as AddressInfo).port)}`;
      const kid = bff.sandbox.idp.activeKid;
      const tokens = [
        await attackerToken(bff, (jwk) => ({ jwk, kid })),
        await attackerToken(bff, () => ({ jku: `${url}/jwks.json`, kid })),
        await attackerToken(bff, () => ({ x5u: `${url}/cert.pem`, kid })),
        await attackerToken(bff, (jwk) => ({ jwk, jku: `${url}/jwks.json` })),
      ];
      for (const token of tokens) {
        const { data } = await errorOf(signedInWith(bff, () => token).orders.list.query());
        expect(data).toMatchObject(UNAUTHORIZED);
      }
      expect(fetched).toBe(0);
      expect(upstreamCallsBesidesIdp(bff.sandbox.calls.snapshot())).toEqual([]);
    } finally {
      evil.close();
    }
  });

  it('fetches the JWKS at most once per AUTH_JWKS_COOLDOWN_MS for a flood of tokens with random kids', async () => {
    const bff = await bffs.start({ env: { AUTH_JWKS_COOLDOWN_MS: '60000' } });
    await signedInWith(bff, () => bff.sandbox.idp.tokenFor('ann')).orders.list.query();
    bff.sandbox.calls.reset();
    const tokens = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        attackerToken(bff, () => ({ kid: `random-${String(i)}` })),
      ),
    );
    const answers = await Promise.all(
      tokens.map((token) =>
        callSignedIn(bff, { path: 'orders.list', type: 'query' }, `Bearer ${token}`),
      ),
    );
    expect(answers.every((answer) => wireError(answer.body)?.data.code === 'UNAUTHORIZED')).toBe(
      true,
    );
    expect(bff.sandbox.calls.count('idp')).toBeLessThanOrEqual(1);
  });

  it('accepts only algorithms the keys declare: none and HS256 signed with the public key are refused', async () => {
    const bff = await bffs.start();
    const base64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = base64({
      sub: 'u-1001',
      iss: bff.sandbox.idp.issuer,
      aud: bff.sandbox.idp.audience,
      iat: 1,
      exp: 9_999_999_999,
    });
    const none = `${base64({ alg: 'none', kid: bff.sandbox.idp.activeKid })}.${claims}.`;
    const jwks = await (await fetch(bff.sandbox.idp.jwksUrl)).text();
    const hs256 = await new SignJWT({ sub: 'u-1001' })
      .setProtectedHeader({ alg: 'HS256', kid: bff.sandbox.idp.activeKid })
      .setIssuer(bff.sandbox.idp.issuer)
      .setAudience(bff.sandbox.idp.audience)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(jwks));
    for (const token of [none, hs256])
      expect(
        (await errorOf(signedInWith(bff, () => token).orders.list.query())).data,
      ).toMatchObject(UNAUTHORIZED);
  });
});
