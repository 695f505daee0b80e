import {
  createLocalJWKSet,
  errors,
  jwtVerify,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWSHeaderParameters,
} from 'jose';
import { z } from 'zod';

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  /** Fetches the identity provider's JWKS document (bounded in time and size by its caller). */
  fetchJwks: () => Promise<unknown>;
  /** Leeway for `exp` and `nbf`. @default 30 */
  clockToleranceSeconds?: number;
  /** The least time between two JWKS fetches: a flood of unknown `kid`s makes one per cooldown. @default 1000 */
  jwksCooldownMs?: number;
  /** How long fetched keys are used before they are fetched again. @default 600_000 */
  jwksMaxAgeMs?: number;
  /** How long known keys stay usable while the JWKS endpoint fails. @default 86_400_000 */
  jwksStaleMs?: number;
  /** @default Date.now */
  now?: () => number;
}

/** A signed-in user: the token's `sub`, checked against a strict pattern. */
export interface SignedInUser {
  id: string;
}

/**
 * Why a request is not signed in (→ UNAUTHORIZED). `unknown-key`: the token names a key the BFF
 * does not know and cannot learn now (the identity provider does not answer, or never published it).
 */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    readonly reason: 'missing' | 'malformed' | 'invalid' | 'unknown-key',
    options?: { cause?: unknown },
  ) {
    super(`not signed in: ${reason}`, options);
  }
}

/** The `Bearer` scheme, in any case (RFC 7235: schemes are case-insensitive). */
const BEARER = /^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i;
/** User ids the BFF accepts in `sub` (and so ever puts into an upstream path). */
export const USER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export type TokenVerifier = (authorization: string | undefined) => Promise<SignedInUser>;

/** A JWKS as the identity provider publishes it: public keys, each checked again by jose. */
export const jwksSchema = z.object({
  keys: z
    .array(
      z.looseObject({ kty: z.string(), kid: z.string().optional(), alg: z.string().optional() }),
    )
    .max(100),
});

/** Asymmetric algorithms only: `none` and HMAC (HS256 "signed" with a public key) fail before any key is looked at. */
const ASYMMETRIC = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

type LocalKeys = ReturnType<typeof createLocalJWKSet>;
type KeyResolver = (header: JWSHeaderParameters, token: FlattenedJWSInput) => ReturnType<LocalKeys>;

/**
 * The identity provider's keys, kept: fetched again when they are older than `jwksMaxAgeMs` or a
 * token names an unknown `kid`, at most once per cooldown (concurrent needs share one fetch); while
 * the endpoint fails, the keys last fetched stay in use for `jwksStaleMs`. A key is picked by `kid`
 * and must declare the token's `alg`; `jku`, `x5u` and an embedded `jwk` are never looked at.
 */
function createKeyStore(options: TokenVerifierOptions): KeyResolver {
  const now = options.now ?? Date.now;
  const cooldownMs = options.jwksCooldownMs ?? 1_000;
  const maxAgeMs = options.jwksMaxAgeMs ?? 600_000;
  const staleMs = options.jwksStaleMs ?? 86_400_000;
  let keys:
    | {
        resolve: LocalKeys;
        kids: Set<string | undefined>;
        fetchedAt: number;
      }
    | undefined;
  let lastAttempt = -Infinity;
  let pending: Promise<void> | undefined;

  const refresh = (): Promise<void> =>
    (pending ??= (async () => {
      lastAttempt = now();
      try {
        const set = jwksSchema.parse(await options.fetchJwks()) as JSONWebKeySet;
        keys = {
          resolve: createLocalJWKSet(set),
          kids: new Set(set.keys.map((key) => key.kid)),
          fetchedAt: now(),
        };
      } finally {
        pending = undefined;
      }
    })());

  return async (header, token) => {
    if (!keys || now() - keys.fetchedAt >= maxAgeMs || !keys.kids.has(header.kid)) {
      // A failed fetch leaves the keys as they were: a verdict on the token comes below.
      if (pending) await pending.catch(() => undefined);
      else if (now() - lastAttempt >= cooldownMs) await refresh().catch(() => undefined);
    }
    if (!keys || now() - keys.fetchedAt > staleMs || !keys.kids.has(header.kid))
      throw new AuthError('unknown-key');
    try {
      return await keys.resolve(header, token);
    } catch (error) {
      if (
        error instanceof errors.JWKSNoMatchingKey ||
        error instanceof errors.JWKSMultipleMatchingKeys
      )
        throw new AuthError('unknown-key', { cause: error });
      throw error;
    }
  };
}

/**
 * Verifies the identity provider's tokens: an asymmetric signature by one of its published keys,
 * `iss` and `aud`, `exp`/`nbf` with a small tolerance, and `sub` against a strict pattern.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const keys = createKeyStore(options);
  return async (authorization) => {
    if (authorization === undefined || authorization === '') throw new AuthError('missing');
    const token = BEARER.exec(authorization)?.[1];
    if (!token) throw new AuthError('malformed');
    let sub: string | undefined;
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: ASYMMETRIC,
        clockTolerance: options.clockToleranceSeconds ?? 30,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      sub = payload.sub;
    } catch (error) {
      if (error instanceof AuthError) throw error;
      throw new AuthError('invalid', { cause: error });
    }
    if (sub === undefined || !USER_ID_PATTERN.test(sub)) throw new AuthError('invalid');
    return { id: sub };
  };
}
