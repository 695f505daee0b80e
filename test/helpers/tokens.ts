import { randomUUID } from 'node:crypto';
import type { Bff } from './bff.js';
import { rawRequest, type RawAnswer } from './wire.js';

/** base64url of a JSON value, as a JWT segment. */
export function base64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** The decoded JSON of one segment of a compact JWT (0 header, 1 payload). */
export function jwtSegment(token: string, index: 0 | 1): Record<string, unknown> {
  const segment = token.split('.')[index];
  if (segment === undefined) throw new Error('not a compact JWT');
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Claims a token of the sandbox identity provider would carry, valid now. */
export function validClaims(bff: Bff, sub: string): Record<string, unknown> {
  const iat = Math.floor(Date.now() / 1000);
  return { iss: bff.sandbox.idp.issuer, aud: bff.sandbox.idp.audience, sub, iat, exp: iat + 3600 };
}

/** A token with `alg: none`: header and payload, and an empty signature. */
export function unsignedToken(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
): string {
  return `${base64urlJson(header)}.${base64urlJson(payload)}.`;
}

/** The same token with its payload replaced, the signature left as it was. */
export function withPayload(token: string, payload: Record<string, unknown>): string {
  const [header, , signature] = token.split('.');
  if (header === undefined || signature === undefined) throw new Error('not a compact JWT');
  return `${header}.${base64urlJson(payload)}.${signature}`;
}

/** One signed-in procedure and an input it accepts. */
export interface SignedInCall {
  path: 'cart.get' | 'cart.setItem' | 'account.dashboard' | 'orders.list' | 'orders.place';
  type: 'query' | 'mutation';
  input?: unknown;
}

/** Every signed-in procedure of docs/api.md, each with valid input (so only the token can be what is wrong). */
export const SIGNED_IN_CALLS: readonly SignedInCall[] = [
  { path: 'cart.get', type: 'query', input: {} },
  { path: 'cart.setItem', type: 'mutation', input: { sku: '000219', quantity: 1 } },
  { path: 'account.dashboard', type: 'query', input: {} },
  { path: 'orders.list', type: 'query' },
  {
    path: 'orders.place',
    type: 'mutation',
    input: {
      shipTo: {
        name: 'Ann Example',
        street: 'Hauptstr. 1',
        city: 'Berlin',
        postalCode: '10115',
        country: 'DE',
      },
      clientReference: randomUUID(),
    },
  },
];

/** A raw call of one signed-in procedure over tRPC's wire format, with this `Authorization` header (none when undefined). */
export function callSignedIn(
  bff: Bff,
  call: SignedInCall,
  authorization: string | undefined,
): Promise<RawAnswer> {
  const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
  if (call.type === 'query') {
    const query =
      call.input === undefined
        ? ''
        : `?input=${encodeURIComponent(JSON.stringify({ json: call.input }))}`;
    return rawRequest(bff, `/trpc/${call.path}${query}`, { headers });
  }
  return rawRequest(bff, `/trpc/${call.path}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ json: call.input }),
  });
}

/** The keys of a call-count snapshot that are not the identity provider's (`erp GetProducts`, `cart getCart`, …). */
export function upstreamCallsBesidesIdp(snapshot: Record<string, number>): string[] {
  return Object.keys(snapshot).filter((key) => !key.startsWith('idp '));
}
