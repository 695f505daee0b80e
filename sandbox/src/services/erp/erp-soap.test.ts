import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../start-sandbox.js';
import { faultOf, soapCall, useSandbox, type SoapAnswer } from '../../testing/helpers.js';
import { parseXml, XmlSyntaxError } from '../../xml/read.js';

// The ERP's SOAP envelope handling and faults (docs/upstreams.md ("ERP catalog")) and the faults tests inject, over real HTTP.
const NS = 'urn:example:erp:catalog:v1';
const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

const sandbox = useSandbox();

const skuList = (skus: readonly string[]): string =>
  skus.map((sku) => `<cat:Sku>${sku}</cat:Sku>`).join('');
const localPart = (qname: string): string | undefined => qname.split(':').at(-1);

function expectClientFault(answer: SoapAnswer, code: string, sku?: string): void {
  expect(answer.status).toBe(500);
  expect(answer.contentType).toBe('text/xml; charset=utf-8');
  expect(answer.payload).toMatchObject({ ns: SOAP_NS, name: 'Fault' });
  const fault = faultOf(answer);
  expect(localPart(fault.faultcode)).toBe('Client');
  expect(fault.code).toBe(code);
  if (sku !== undefined) expect(fault.sku).toBe(sku);
}

/** The document's request envelope. */
const envelopeXml = (
  sb: Sandbox,
  operation: string,
  inner: string,
): string => `<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="${SOAP_NS}" xmlns:cat="${NS}">
  <soap:Header><cat:Credentials><cat:ClientId>${sb.erpClientId}</cat:ClientId><cat:ApiKey>${sb.keys.erp}</cat:ApiKey></cat:Credentials></soap:Header>
  <soap:Body><cat:${operation}>${inner}</cat:${operation}></soap:Body>
</soap:Envelope>`;

/** A call whose answer may not be SOAP at all. */
function post(
  sb: Sandbox,
  operation: string,
  inner: string,
  init: { signal?: AbortSignal } = {},
): Promise<Response> {
  return fetch(`${sb.urls.erp}/soap/catalog`, {
    method: 'POST',
    headers: {
      'content-type': 'text/xml; charset=utf-8',
      soapaction: `"urn:example:erp:catalog:v1#${operation}"`,
    },
    body: envelopeXml(sb, operation, inner),
    ...init,
  });
}

describe('ERP requests', () => {
  it('accepts any namespace prefixes, a default namespace and single-quoted attributes', async () => {
    const { erpClientId, keys } = sandbox();
    const bodies = [
      `<s:Envelope xmlns:s="${SOAP_NS}" xmlns:c="${NS}"><s:Header><c:Credentials><c:ClientId>${erpClientId}</c:ClientId><c:ApiKey>${keys.erp}</c:ApiKey></c:Credentials></s:Header>` +
        `<s:Body><c:GetProduct><c:Sku>000123</c:Sku></c:GetProduct></s:Body></s:Envelope>`,
      `<E:Envelope xmlns:E='${SOAP_NS}'><E:Header><Credentials xmlns='${NS}'><ClientId>${erpClientId}</ClientId><ApiKey>${keys.erp}</ApiKey></Credentials></E:Header>` +
        `<E:Body><GetProduct xmlns='${NS}'><Sku> 000123 </Sku></GetProduct></E:Body></E:Envelope>`,
    ];
    for (const rawBody of bodies) {
      const answer = await soapCall(sandbox(), 'GetProduct', '', { rawBody });
      expect(answer.status, rawBody).toBe(200);
      expect(answer.payload.children[0]?.attributes.sku).toBe('000123');
    }
  });
});

describe('ERP soap:Client faults', () => {
  it('faults an unknown SKU with PRODUCT_NOT_FOUND naming it, faultcode in the SOAP envelope namespace', async () => {
    const answer = await soapCall(sandbox(), 'GetProduct', skuList(['999999']));
    expectClientFault(answer, 'PRODUCT_NOT_FOUND', '999999');
    const prefix = faultOf(answer).faultcode.split(':')[0] ?? '';
    expect(answer.raw).toMatch(new RegExp(`xmlns:${prefix}=["']${SOAP_NS}["']`));
  });

  it('faults AUTH_FAILED for a wrong key, a wrong ClientId and a missing Credentials header', async () => {
    expectClientFault(
      await soapCall(sandbox(), 'GetProduct', skuList(['000123']), { apiKey: 'wrong-key' }),
      'AUTH_FAILED',
    );
    expectClientFault(
      await soapCall(sandbox(), 'GetProduct', skuList(['000123']), { clientId: 'someone-else' }),
      'AUTH_FAILED',
    );
    const withoutHeader = `<soap:Envelope xmlns:soap="${SOAP_NS}" xmlns:cat="${NS}"><soap:Body><cat:GetProduct><cat:Sku>000123</cat:Sku></cat:GetProduct></soap:Body></soap:Envelope>`;
    expectClientFault(
      await soapCall(sandbox(), 'GetProduct', '', { rawBody: withoutHeader }),
      'AUTH_FAILED',
    );
  });

  it('faults INVALID_REQUEST for malformed XML, a missing or mismatching SOAPAction and a non-catalog body element', async () => {
    const get = skuList(['000123']);
    const malformed = envelopeXml(sandbox(), 'GetProduct', get).replace('</cat:GetProduct>', '');
    expectClientFault(
      await soapCall(sandbox(), 'GetProduct', '', { rawBody: malformed }),
      'INVALID_REQUEST',
    );
    expectClientFault(
      await soapCall(sandbox(), 'GetProduct', get, { soapAction: null }),
      'INVALID_REQUEST',
    );
    expectClientFault(
      await soapCall(sandbox(), 'GetProduct', get, {
        soapAction: '"urn:example:erp:catalog:v1#GetStock"',
      }),
      'INVALID_REQUEST',
    );
    expectClientFault(await soapCall(sandbox(), 'DeleteProduct', get), 'INVALID_REQUEST');
    const otherNamespace = envelopeXml(sandbox(), 'GetProduct', get)
      .replace(/cat:GetProduct>/g, 'o:GetProduct>')
      .replace('<o:GetProduct>', '<o:GetProduct xmlns:o="urn:other">');
    expectClientFault(
      await soapCall(sandbox(), 'GetProduct', '', { rawBody: otherNamespace }),
      'INVALID_REQUEST',
    );
  });
});

describe('ERP injected faults', () => {
  afterEach(() => {
    sandbox().faults.clear('erp');
  });

  it('answers a soap:Server fault with HTTP 500 and no CatalogFault detail', async () => {
    sandbox().faults.inject('erp', { kind: 'soap-fault' });
    const answer = await soapCall(sandbox(), 'GetProduct', skuList(['000123']));
    expect(answer.status).toBe(500);
    expect(answer.payload).toMatchObject({ ns: SOAP_NS, name: 'Fault' });
    expect(localPart(faultOf(answer).faultcode)).toBe('Server');
    expect(faultOf(answer).code).toBeUndefined();
    expect(answer.raw).not.toContain('CatalogFault');
  });

  it('answers an injected HTTP status with an HTML body', async () => {
    sandbox().faults.inject('erp', { kind: 'status', status: 502 });
    const response = await post(sandbox(), 'GetProduct', skuList(['000123']));
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toMatch(/^<html>/);
  });

  it('answers 200 with a body that does not parse when malformed', async () => {
    sandbox().faults.inject('erp', { kind: 'malformed' });
    const response = await post(sandbox(), 'GetProduct', skuList(['000123']));
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(() => parseXml(body)).toThrow(XmlSyntaxError);
  });

  it('drops the connection on reset, so the request rejects', async () => {
    sandbox().faults.inject('erp', { kind: 'reset' });
    await expect(post(sandbox(), 'GetProduct', skuList(['000123']))).rejects.toThrow(TypeError);
  });

  it('never answers on hang, so only the caller can end the request', async () => {
    sandbox().faults.inject('erp', { kind: 'hang' });
    await expect(
      post(sandbox(), 'GetProduct', skuList(['000123']), { signal: AbortSignal.timeout(300) }),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('adds injected latency and still answers', async () => {
    sandbox().faults.inject('erp', { kind: 'latency', ms: 250 });
    const started = performance.now();
    const answer = await soapCall(sandbox(), 'GetProduct', skuList(['000123']));
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
    expect(answer.status).toBe(200);
    expect(answer.payload.children[0]?.attributes.sku).toBe('000123');
  });

  it('faults only the named operation, and only as many times as asked', async () => {
    sandbox().faults.inject('erp', { kind: 'soap-fault' }, { operation: 'GetStock', times: 2 });
    expect((await soapCall(sandbox(), 'GetProduct', skuList(['000123']))).status).toBe(200);
    expect((await soapCall(sandbox(), 'GetStock', skuList(['000123']))).status).toBe(500);
    expect((await soapCall(sandbox(), 'GetStock', skuList(['000123']))).status).toBe(500);
    expect((await soapCall(sandbox(), 'GetStock', skuList(['000123']))).status).toBe(200);
  });

  it('counts every call per operation, faulted ones included', async () => {
    const before = {
      product: sandbox().calls.count('erp', 'GetProduct'),
      stock: sandbox().calls.count('erp', 'GetStock'),
    };
    expect((await soapCall(sandbox(), 'GetProduct', skuList(['000123']))).status).toBe(200);
    sandbox().faults.inject('erp', { kind: 'soap-fault' }, { times: 1 });
    expect((await soapCall(sandbox(), 'GetProduct', skuList(['000123']))).status).toBe(500);
    expect(sandbox().calls.count('erp', 'GetProduct')).toBe(before.product + 2);
    expect(sandbox().calls.count('erp', 'GetStock')).toBe(before.stock);
  });
});
