import { once } from 'node:events';
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compressWhenEnded, encodeBody, negotiateEncoding } from './compression.js';

describe('negotiateEncoding', () => {
  it.each([
    ['gzip, deflate, br', 'gzip'],
    ['br', 'br'],
    ['gzip;q=0.9, br', 'br'],
    ['gzip, deflate', 'gzip'],
    ['br;q=0.5, gzip', 'gzip'],
    ['br;q=0, gzip;q=0.1', 'gzip'],
    ['BR', 'br'],
    ['x-gzip', 'gzip'],
    ['*', 'gzip'],
    ['gzip;q=0, *', 'br'],
    ['br;q=0, *;q=0.3', 'gzip'],
  ] as const)('answers %j with %s', (header, expected) => {
    expect(negotiateEncoding(header)).toBe(expected);
  });

  it.each([
    undefined,
    '',
    'identity',
    'deflate',
    'br;q=0, gzip;q=0',
    '*;q=0',
    'br;q=2',
    'gzip;q=x',
  ])('answers %j with nothing: the body is sent as it is', (header) => {
    expect(negotiateEncoding(header)).toBeUndefined();
  });
});

describe('encodeBody', () => {
  it('compresses a body both ways, and each decodes to the body', () => {
    const body = Buffer.from(
      JSON.stringify({ items: Array.from({ length: 200 }, (_, i) => ({ sku: String(i) })) }),
    );
    const br = encodeBody(body, 'br');
    const gzip = encodeBody(body, 'gzip');
    expect(br.length).toBeLessThan(body.length / 4);
    expect(gzip.length).toBeLessThan(body.length / 4);
    expect(brotliDecompressSync(br).equals(body)).toBe(true);
    expect(gunzipSync(gzip).equals(body)).toBe(true);
  });
});

describe('compressWhenEnded', () => {
  /** A real server whose handler writes `parts` through compressWhenEnded; what onBody heard, and the raw answer. */
  async function serve(parts: string[], acceptEncoding?: string) {
    const heard: { plain: Buffer; encoded: Buffer | undefined }[] = [];
    const server = createServer((req, res) => {
      compressWhenEnded(res, negotiateEncoding(req.headers['accept-encoding']), (plain, encoded) =>
        heard.push({ plain, encoded }),
      );
      res.setHeader('content-type', 'application/json');
      for (const part of parts.slice(0, -1)) res.write(part);
      res.end(parts.at(-1));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      const answer = await new Promise<{ headers: IncomingHttpHeaders; bytes: Buffer }>(
        (resolve, reject) => {
          const req = request(
            {
              port,
              host: '127.0.0.1',
              headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {},
            },
            (res) => {
              const chunks: Buffer[] = [];
              res.on('data', (chunk: Buffer) => chunks.push(chunk));
              res.on('end', () => {
                resolve({ headers: res.headers, bytes: Buffer.concat(chunks) });
              });
            },
          );
          req.on('error', reject);
          req.end();
        },
      );
      return { heard, answer };
    } finally {
      server.close();
    }
  }
  const big = [
    '{"items":[',
    Array.from({ length: 300 }, (_, i) => `{"sku":"${String(i)}"}`).join(','),
    ']}',
  ];

  it('tells onBody the whole body as written and, when it was compressed, the very bytes sent', async () => {
    const { heard, answer } = await serve(big, 'gzip');
    expect(answer.headers['content-encoding']).toBe('gzip');
    expect(heard).toHaveLength(1);
    expect(heard[0]?.plain.toString('utf8')).toBe(big.join(''));
    expect(heard[0]?.encoded?.equals(answer.bytes)).toBe(true);
    expect(gunzipSync(answer.bytes).toString('utf8')).toBe(big.join(''));
  });

  it('tells onBody no compressed bytes when the body was sent as it is', async () => {
    const { heard, answer } = await serve(big);
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(heard[0]?.plain.equals(answer.bytes)).toBe(true);
    expect(heard[0]?.encoded).toBeUndefined();
  });
});
