import type { IncomingHttpHeaders } from 'node:http';

export const SERVICE_NAMES = [
  'erp',
  'erp-v2',
  'fx',
  'pricing',
  'reviews',
  'recommendations',
  'accounts',
  'orders',
  'cart',
  'wishlist',
  'notifications',
  'idp',
] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];

/** The services that take an API key (the SOAP ERP in its SOAP header, the others in `X-Api-Key`; FX and the identity provider take none). */
export type KeyedServiceName = Exclude<ServiceName, 'fx' | 'idp'>;

export interface SandboxRequest {
  method: string;
  /** The path below the service's base path, still percent-encoded. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface SandboxResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface ServiceDefinition {
  name: ServiceName;
  /** When set, the host answers 401 to requests without this `X-Api-Key`. */
  apiKey?: string;
  /** The operation a request asks for, for call counts and per-operation faults. */
  operationOf(request: SandboxRequest): string;
  handle(request: SandboxRequest): SandboxResponse | Promise<SandboxResponse>;
  /** The answer to an injected HTTP error status. */
  errorResponse(status: number): SandboxResponse;
  /** The answer to an injected `soap:Server` fault; only the ERP has one. */
  serverFaultResponse?(message: string): SandboxResponse;
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): SandboxResponse {
  return {
    status,
    headers: { 'content-type': JSON_CONTENT_TYPE, ...headers },
    body: JSON.stringify(body),
  };
}
