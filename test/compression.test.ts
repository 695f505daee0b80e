import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useBff, type Bff } from './helpers/bff.js';
import { CACHE_ON, coldSku } from './helpers/cache.js';

/** A raw answer: its headers and its bytes exactly as they came over the wire (no decoding). */
function rawGet(
  bff: Bff,
  path: string,
  headers: Record<string, string> = {},
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: Buffer;
}> {
  return new Promise((resolve, reject) => {
    const req = request(`${bff.url}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          bytes: Buffer.concat(chunks),
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const pagePath = (sku: string): string =>
  `/trpc/product.page?input=${encodeURIComponent(JSON.stringify({ json: { sku } }))}`;

function decoded(answer: { headers: Record<string, unknown>; bytes: Buffer }): string {
  const encoding = answer.headers['content-encoding'];
  if (encoding === 'br') return brotliDecompressSync(answer.bytes).toString('utf8');
  if (encoding === 'gzip') return gunzipSync(answer.bytes).toString('utf8');
  return answer.bytes.toString('utf8');
}

describe('compressed answers', () => {
  const bff = useBff({ env: CACHE_ON });

  it('compresses an answer over 1 KiB with br or gzip as Accept-Encoding prefers (gzip on a tie), the same JSON either way', async () => {
    const sku = coldSku(bff());
    const plain = await rawGet(bff(), pagePath(sku));
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.bytes.length).toBeGreaterThan(1024);
    expect(plain.headers.vary).toMatch(/Accept-Encoding/);
    const json = JSON.parse(plain.bytes.toString('utf8')) as unknown;
    for (const [accept, encoding] of [
      ['br', 'br'],
      ['gzip, deflate, br', 'gzip'],
    ] as const) {
      const answer = await rawGet(bff(), pagePath(coldSku(bff())), { 'accept-encoding': accept });
      expect(answer.status).toBe(200);
      expect(answer.headers['content-encoding'], accept).toBe(encoding);
      expect(Number(answer.headers['content-length'])).toBe(answer.bytes.length);
      expect(answer.bytes.length).toBeLessThan(plain.bytes.length / 2);
      expect(answer.headers.vary).toMatch(/Accept-Encoding/);
      expect(Object.keys(JSON.parse(decoded(answer)) as object)).toEqual(
        Object.keys(json as object),
      );
    }
  });

  it('sends a kept public answer compressed too, the same bytes as the first time once decoded', async () => {
    const path = pagePath(coldSku(bff()));
    const accept = { 'accept-encoding': 'br' };
    const first = await rawGet(bff(), path, accept);
    const hit = await rawGet(bff(), path, accept);
    const again = await rawGet(bff(), path, accept);
    expect(hit.headers['server-timing']).toBe('cache;desc="hit"');
    expect(hit.headers.vary).toMatch(/Accept-Encoding/);
    for (const answer of [first, hit, again]) expect(answer.headers['content-encoding']).toBe('br');
    expect(decoded(hit)).toBe(decoded(first));
    // The bytes compressed for the first answer are the ones kept: a hit sends them again.
    expect(hit.bytes.equals(first.bytes)).toBe(true);
    expect(again.bytes.equals(hit.bytes)).toBe(true);
    const gzip = await rawGet(bff(), path, { 'accept-encoding': 'gzip' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(decoded(gzip)).toBe(decoded(first));
    const identity = await rawGet(bff(), path);
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.bytes.toString('utf8')).toBe(decoded(first));
  });

  it('leaves answers under 1 KiB as they are', async () => {
    const answer = await rawGet(bff(), '/trpc/product.page?input=%7B%7D', {
      'accept-encoding': 'br',
    });
    expect(answer.status).toBe(400);
    expect(answer.bytes.length).toBeLessThan(1024);
    expect(answer.headers['content-encoding']).toBeUndefined();
  });

  it("compresses the REST face's answers", async () => {
    const answer = await rawGet(bff(), `/api/v1/products/${coldSku(bff())}`, {
      'accept-encoding': 'gzip',
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBe('gzip');
    expect((JSON.parse(decoded(answer)) as { product: { sku: string } }).product.sku).toMatch(
      /\d+/,
    );
    const document = await rawGet(bff(), '/openapi.json', { 'accept-encoding': 'br' });
    expect(document.headers['content-encoding']).toBe('br');
    expect((JSON.parse(decoded(document)) as { openapi: string }).openapi).toBe('3.1.0');
  });

  it('sends a streamed answer as it is: its parts leave as they are ready', async () => {
    const input = encodeURIComponent(JSON.stringify({ 0: { json: { sku: coldSku(bff()) } } }));
    const answer = await rawGet(bff(), `/trpc/product.pageProgressive?batch=1&input=${input}`, {
      'accept-encoding': 'br',
      'trpc-accept': 'application/jsonl',
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(answer.bytes.toString('utf8')).toContain('"rating"');
  });
});
