import type { Config } from '../config.js';
import { createTokenVerifier, jwksSchema, type TokenVerifier } from '../kit/auth.js';
import { decodeJson } from '../kit/upstream/json.js';
import type { Transport } from '../kit/upstream/transport.js';
import { createUpstream } from '../kit/upstream/upstream.js';

/**
 * The largest JWKS read from the identity provider: a key set of a few keys is a few KiB, so a
 * MiB is room for any real one while a misbehaving endpoint cannot fill the memory.
 */
const JWKS_MAX_BYTES = 1_048_576;

/**
 * The verifier of a request's bearer token, on the identity provider's keys: fetched on a call
 * path of their own (bounded in time and size), kept, and fetched again on an unknown `kid`.
 */
export function createSignIn(config: Config, transport: Transport): TokenVerifier {
  const idp = createUpstream({
    name: 'idp',
    baseUrl: config.upstreams.auth.jwksUrl,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    maxBytes: JWKS_MAX_BYTES,
    transport,
  });
  return createTokenVerifier({
    issuer: config.upstreams.auth.issuer,
    audience: config.upstreams.auth.audience,
    fetchJwks: () =>
      idp.call({ operation: 'getJwks', path: '' }, (answer) => decodeJson(answer, jwksSchema)),
    clockToleranceSeconds: config.AUTH_CLOCK_TOLERANCE_SECONDS,
    jwksCooldownMs: config.AUTH_JWKS_COOLDOWN_MS,
    jwksStaleMs: config.AUTH_JWKS_STALE_MS,
  });
}
