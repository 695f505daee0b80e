import {
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type FlattenedJWSInput,
  type JWSHeaderParameters,
} from 'jose';

export interface TokenVerifierOptions {
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** Leeway for `exp` and `nbf`. @default 30 */
  clockToleranceSeconds?: number;
  /** The least time between two JWKS fetches (an unknown `kid` triggers one). @default 1000 */
  jwksCooldownMs?: number;
  /** How long fetched keys are trusted before they are fetched again. @default 600_000 */
  jwksMaxAgeMs?: number;
  /** The JWKS fetch's timeout. @default 2000 */
  jwksTimeoutMs?: number;
}

/** A signed-in user: the token's `sub`, checked against a strict pattern. */
export interface SignedInUser {
  id: string;
}

/** Why a request is not signed in (→ UNAUTHORIZED), or why it could not be checked (→ BAD_GATEWAY). */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    readonly reason: 'missing' | 'malformed' | 'invalid' | 'keys-unavailable' | 'keys-timeout',
    options?: { cause?: unknown },
  ) {
    super(`not signed in: ${reason}`, options);
  }
}

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;
/** User ids the BFF accepts in `sub` (and so ever puts into an upstream path). */
export const USER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export type TokenVerifier = (authorization: string | undefined) => Promise<SignedInUser>;

/**
 * Verifies RS256 tokens from the identity provider's JWKS: `iss` and `aud` checked, `exp`/`nbf`
 * with a small tolerance, keys picked by `kid` and fetched again when an unknown `kid` appears.
 * Only RS256 is accepted, so `alg: none` and HS256 tokens (even "signed" with the public key)
 * fail before any key is looked at.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const jwks = createRemoteJWKSet(new URL(options.jwksUrl), {
    cooldownDuration: options.jwksCooldownMs ?? 1_000,
    cacheMaxAge: options.jwksMaxAgeMs ?? 600_000,
    timeoutDuration: options.jwksTimeoutMs ?? 2_000,
  });
  // Trouble fetching the keys is not a verdict on the token: it is set apart from jose's own errors.
  const keys = async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    try {
      return await jwks(header, token);
    } catch (error) {
      if (
        error instanceof errors.JWKSNoMatchingKey ||
        error instanceof errors.JWKSMultipleMatchingKeys
      )
        throw error;
      throw new AuthError(
        error instanceof errors.JWKSTimeout ? 'keys-timeout' : 'keys-unavailable',
        { cause: error },
      );
    }
  };
  return async (authorization) => {
    if (authorization === undefined || authorization === '') throw new AuthError('missing');
    const token = BEARER.exec(authorization)?.[1];
    if (!token) throw new AuthError('malformed');
    let sub: string | undefined;
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: ['RS256'],
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
