import { randomUUID } from 'node:crypto';
import {
  exportJWK,
  generateKeyPair,
  SignJWT,
  type GenerateKeyPairResult,
  type JWK,
  type JWTPayload,
} from 'jose';
import type { DemoUser } from '../data/model.js';
import { createJsonService } from '../host/json-service.js';
import { json, type ServiceDefinition } from '../host/types.js';

/** Tokens live this long. */
export const TOKEN_LIFETIME_SECONDS = 3600;

interface SigningKey {
  kid: string;
  privateKey: GenerateKeyPairResult['privateKey'];
  publicJwk: JWK;
}

export interface IssueTokenOptions {
  /** Sign with this published key instead of the newest one. */
  kid?: string;
  /** `iat`, in seconds since the epoch. @default now */
  issuedAt?: number;
  /** @default TOKEN_LIFETIME_SECONDS */
  expiresInSeconds?: number;
}

/** The identity provider's test controls: key rotation and tokens with any claims. */
export interface IdpControls {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: string;
  readonly tokenUrl: string;
  /** The kid new tokens are signed with. */
  readonly activeKid: string;
  /** Adds a signing key, publishes it under a new kid and signs new tokens with it; the old keys stay published. */
  rotateKey(): Promise<string>;
  /** Removes a key from the JWKS (tokens it signed no longer verify). */
  retireKey(kid: string): void;
  /** A token for a demo user, as `POST /token` issues it. */
  tokenFor(username: string): Promise<string>;
  /** A token with these claims over the defaults (`iss`, `aud`, `iat`, `exp`), signed with a published key. */
  issueToken(claims: JWTPayload & { sub: string }, options?: IssueTokenOptions): Promise<string>;
}

async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `sbx-${randomUUID().slice(0, 8)}`;
  return {
    kid,
    privateKey,
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' },
  };
}

export interface IdpService {
  definition: ServiceDefinition;
  /** Binds the provider to its base URL (its issuer), once the server listens. */
  bind(baseUrl: string): IdpControls;
}

export async function createIdpService(
  users: readonly DemoUser[],
  audience: string,
): Promise<IdpService> {
  const keys: SigningKey[] = [await createSigningKey()];
  let issuer = '';
  const active = (): SigningKey => {
    const key = keys.at(-1);
    if (!key) throw new Error('the identity provider has no signing key');
    return key;
  };

  const issueToken: IdpControls['issueToken'] = async (claims, options = {}) => {
    const key = options.kid === undefined ? active() : keys.find((k) => k.kid === options.kid);
    if (!key) throw new Error(`no published key ${String(options.kid)}`);
    const iat = options.issuedAt ?? Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: issuer,
      aud: audience,
      iat,
      exp: iat + (options.expiresInSeconds ?? TOKEN_LIFETIME_SECONDS),
      ...claims,
    })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .sign(key.privateKey);
  };
  const tokenFor = async (username: string): Promise<string> => {
    const user = users.find((u) => u.username === username);
    if (!user) throw new Error(`no demo user ${username}`);
    return issueToken({ sub: user.userId });
  };

  const definition = createJsonService('idp', undefined, [
    {
      method: 'GET',
      pattern: '/.well-known/jwks.json',
      operation: 'getJwks',
      handle: () =>
        json(
          200,
          { keys: keys.map((k) => k.publicJwk) },
          { 'cache-control': 'public, max-age=300' },
        ),
    },
    {
      method: 'GET',
      pattern: '/.well-known/openid-configuration',
      operation: 'getConfiguration',
      handle: () =>
        json(200, {
          issuer,
          jwks_uri: `${issuer}/.well-known/jwks.json`,
          token_endpoint: `${issuer}/token`,
          id_token_signing_alg_values_supported: ['RS256'],
        }),
    },
    {
      method: 'POST',
      pattern: '/token',
      operation: 'issueToken',
      async handle(request) {
        let credentials: unknown;
        try {
          credentials = JSON.parse(request.body);
        } catch {
          return json(400, { error: 'invalid_request' });
        }
        const { username, password } = (credentials ?? {}) as {
          username?: unknown;
          password?: unknown;
        };
        if (typeof username !== 'string' || typeof password !== 'string')
          return json(400, { error: 'invalid_request' });
        const user = users.find((u) => u.username === username && u.password === password);
        if (!user) return json(401, { error: 'invalid_grant' });
        const token = await issueToken({ sub: user.userId });
        return json(
          200,
          { access_token: token, token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS },
          { 'cache-control': 'no-store' },
        );
      },
    },
  ]);

  return {
    definition,
    bind(baseUrl) {
      issuer = baseUrl;
      return {
        issuer,
        audience,
        jwksUrl: `${baseUrl}/.well-known/jwks.json`,
        tokenUrl: `${baseUrl}/token`,
        get activeKid() {
          return active().kid;
        },
        async rotateKey() {
          const key = await createSigningKey();
          keys.push(key);
          return key.kid;
        },
        retireKey(kid) {
          if (keys.length === 1 && keys[0]?.kid === kid)
            throw new Error('cannot retire the only signing key');
          const index = keys.findIndex((k) => k.kid === kid);
          if (index >= 0) keys.splice(index, 1);
        },
        tokenFor,
        issueToken,
      };
    },
  };
}
