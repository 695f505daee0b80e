import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createResponseCache, ownBytes } from './response-cache.js';

const cache = createResponseCache({ maxBytes: 1_000_000 });
/** A request as node:http hands it over, before anything is read from it. */
function request(method: string, headers: Record<string, string> = {}): IncomingMessage {
  const req = new IncomingMessage(new Socket());
  req.method = method;
  req.headers = headers;
  return req;
}
const get = request('GET');

/** What keyOf must answer: the parameters as URLSearchParams reads them, the input's keys sorted. */
function reference(procedures: string, query: string): string | undefined {
  const sorted = (value: unknown): string => {
    if (Array.isArray(value)) return `[${value.map(sorted).join(',')}]`;
    if (typeof value !== 'object' || value === null) return JSON.stringify(value);
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${sorted(item)}`).join(',')}}`;
  };
  const params = new URLSearchParams(query);
  const input = params.get('input');
  const batch = params.get('batch') === '1';
  let parsed: unknown;
  if (input !== null) {
    try {
      parsed = JSON.parse(input);
    } catch {
      return undefined;
    }
  }
  // A single call whose input has no superjson meta: keyed as the call, as the REST face keys it.
  if (!batch && input === null) return `${procedures}\ncall\n`;
  const plain =
    typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? Object.keys(parsed)
      : [];
  if (!batch && plain.length === 1 && plain[0] === 'json')
    return `${procedures}\ncall\n${sorted((parsed as { json: unknown }).json)}`;
  return `${procedures}\n${batch ? 'batch' : 'single'}\n${input === null ? '' : sorted(parsed)}`;
}

describe('the key of a kept answer', () => {
  it('reads input and batch as URLSearchParams does, whatever the query string', () => {
    const json = fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value));
    // Values written every way a client may: encoded, `+` for spaces, raw, broken escapes.
    const value = fc.oneof(
      json.map(encodeURIComponent),
      json.map((text) => encodeURIComponent(text).replaceAll('%20', '+')),
      json,
      fc.constantFrom('%', '%E0%A4%A', '%FF', '1', '', '%7B%7D+', '{"a":1,"b":[2,{"d":1,"c":2}]}'),
      fc.string(),
    );
    const name = fc.constantFrom('input', 'batch', '_', 'inp%75t', 'bat+ch', 'input+', '', 'x');
    const part = fc.oneof(
      fc.tuple(name, value).map(([key, item]) => `${key}=${item}`),
      name,
      fc.constant('input'),
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 5 }), (parts) => {
        const query = parts.join('&');
        expect(cache.keyOf(get, 'product.page', query)).toBe(reference('product.page', query));
      }),
      { numRuns: 2000 },
    );
  });

  it('is one for one input whatever the key order, spacing or other parameters', () => {
    const key = (input: string, extra = ''): string | undefined =>
      cache.keyOf(get, 'product.page', `${extra}input=${encodeURIComponent(input)}`);
    const one = key('{"json":{"sku":"1","currency":"EUR"}}');
    expect(one).toBe('product.page\ncall\n{"currency":"EUR","sku":"1"}');
    expect(cache.keyOfCall('product.page', { sku: '1', currency: 'EUR' })).toBe(one);
    expect(key('{ "json" : { "currency" : "EUR", "sku" : "1" } }', '_=2&')).toBe(one);
    expect(key('{"json":{"sku":"2","currency":"EUR"}}')).not.toBe(one);
  });

  it('is none for a POST, a streamed batch, or an input that is not JSON', () => {
    expect(cache.keyOf(request('POST'), 'p', 'input=1')).toBe(undefined);
    const streamed = request('GET', { 'trpc-accept': 'application/jsonl' });
    expect(cache.keyOf(streamed, 'p', 'input=1')).toBe(undefined);
    expect(cache.keyOf(get, 'p', 'input=%7Bnot')).toBe(undefined);
  });
});

describe('the bytes of a kept answer', () => {
  it('are copied out of a shared slab, so that keeping an answer keeps only its own bytes', () => {
    // Node makes small Buffers from strings as views on an 8 KiB pool.
    const pooled = Buffer.from('{"result":{"data":{"json":{"sku":"000123"}}}}');
    expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.byteLength);
    const own = ownBytes(pooled);
    expect(own.equals(pooled)).toBe(true);
    expect(own.buffer.byteLength).toBe(own.byteLength);
    const whole = Buffer.alloc(8);
    expect(ownBytes(whole)).toBe(whole);
  });

  it('serves a kept answer from bytes of its own, whatever it was kept from', () => {
    const responses = createResponseCache({ maxBytes: 1_000_000 });
    const text = '{"result":{"data":{"json":{"sku":"000123"}}}}';
    responses.keep(
      'product.page\ncall\n{"sku":"000123"}',
      { trpc: Buffer.from(text), single: true },
      { maxAgeSeconds: 5, tags: [] },
    );
    const res = new ServerResponse(request('GET'));
    let sent: Buffer | undefined;
    Object.assign(res, {
      writeHead: () => res,
      end: (body: Buffer) => {
        sent = body;
        return res;
      },
    });
    expect(responses.serve('product.page\ncall\n{"sku":"000123"}', res, 'trpc')).toBe(true);
    expect(sent?.toString()).toBe(text);
    expect(sent?.buffer.byteLength).toBe(sent?.byteLength);
  });
});
