import { afterAll, beforeAll } from 'vitest';
import type { KeyedServiceName, ServiceName } from '../host/types.js';
import { CATALOG_NS, SOAP_ENVELOPE_NS } from '../services/erp/soap.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../start-sandbox.js';
import { childOf, parseXml, type XmlElement } from '../xml/read.js';

/** A sandbox for the whole file: started before the first test, closed after the last. */
export function useSandbox(options: SandboxOptions = {}): () => Sandbox {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox({ latency: 'none', products: 500, ...options });
  });
  afterAll(async () => {
    await sandbox?.close();
  });
  return () => {
    if (!sandbox) throw new Error('the sandbox has not started');
    return sandbox;
  };
}

export interface SoapCallOptions {
  apiKey?: string;
  clientId?: string;
  /** The SOAPAction header; null leaves it out. @default the operation's */
  soapAction?: string | null;
  contentType?: string;
  /** The whole request body instead of the built envelope. */
  rawBody?: string;
}

export interface SoapAnswer {
  status: number;
  contentType: string;
  raw: string;
  /** The root element, parsed with namespaces resolved. */
  envelope: XmlElement;
  /** The single element inside the SOAP Body (the response, or the Fault). */
  payload: XmlElement;
}

/** Calls an ERP operation the way docs/upstreams.md shows (prefixes soap: and cat:). */
export async function soapCall(
  sandbox: Sandbox,
  operation: string,
  innerXml: string,
  options: SoapCallOptions = {},
): Promise<SoapAnswer> {
  const body =
    options.rawBody ??
    `<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="${SOAP_ENVELOPE_NS}" xmlns:cat="${CATALOG_NS}">
  <soap:Header><cat:Credentials><cat:ClientId>${options.clientId ?? sandbox.erpClientId}</cat:ClientId><cat:ApiKey>${options.apiKey ?? sandbox.keys.erp}</cat:ApiKey></cat:Credentials></soap:Header>
  <soap:Body><cat:${operation}>${innerXml}</cat:${operation}></soap:Body>
</soap:Envelope>`;
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? 'text/xml; charset=utf-8',
  };
  if (options.soapAction !== null)
    headers.soapaction = options.soapAction ?? `"urn:example:erp:catalog:v1#${operation}"`;
  const response = await fetch(`${sandbox.urls.erp}/soap/catalog`, {
    method: 'POST',
    headers,
    body,
  });
  const raw = await response.text();
  const envelope = parseXml(raw);
  const payload = childOf(envelope, 'Body', SOAP_ENVELOPE_NS)?.children[0];
  if (!payload) throw new Error(`no payload in: ${raw}`);
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    raw,
    envelope,
    payload,
  };
}

/** The code and SKU of a catalog fault answer. */
export function faultOf(answer: SoapAnswer): {
  faultcode: string;
  faultstring: string;
  code: string | undefined;
  sku: string | undefined;
} {
  const detail = childOf(childOf(answer.payload, 'detail'), 'CatalogFault', CATALOG_NS);
  return {
    faultcode: childOf(answer.payload, 'faultcode')?.text ?? '',
    faultstring: childOf(answer.payload, 'faultstring')?.text ?? '',
    code: childOf(detail, 'Code', CATALOG_NS)?.text,
    sku: childOf(detail, 'Sku', CATALOG_NS)?.text,
  };
}

/** A JSON service call with that service's key (or the given one, or none with `apiKey: null`). */
export async function callJson(
  sandbox: Sandbox,
  service: Exclude<ServiceName, 'erp'>,
  path: string,
  init: {
    method?: string;
    body?: unknown;
    headers?: Record<string, string>;
    apiKey?: string | null;
  } = {},
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const headers: Record<string, string> = { ...init.headers };
  const key =
    init.apiKey === undefined
      ? (sandbox.keys as Partial<Record<ServiceName, string>>)[service]
      : init.apiKey;
  if (key !== null && key !== undefined) headers['x-api-key'] = key;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${sandbox.urls[service]}${path}`, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the raw text is the body
  }
  return { status: response.status, headers: response.headers, body };
}

export type { KeyedServiceName };
