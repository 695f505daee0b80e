import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUpstreamHttp, type UpstreamHttp } from './http.js';
import { createUpstreamTransport, type UpstreamTransport } from './transport.js';
import { UpstreamError } from './upstream-error.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface TestServer {
  port: number;
  origin: string;
  /** Every request that reached the server, with its whole body. */
  received: Received[];
  /** How many connections were opened to the server. */
  connections: () => number;
}

type Handler = (req: IncomingMessage, res: ServerResponse, received: Received) => void;

const API_KEY = 'secret-key-4f9a';
const servers: Server[] = [];
let transport: UpstreamTransport;

/** A node:http server on 127.0.0.1, port 0, that records each request and then hands it to `handler`. */
async function startServer(handler: Handler): Promise<TestServer> {
  const received: Received[] = [];
  let connections = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
    });
    req.on('end', () => {
      const record: Received = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(record);
      handler(req, res, record);
    });
  });
  server.on('connection', () => {
    connections += 1;
  });
  servers.push(server);
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = portOf(server);
  return { port, origin: `http://127.0.0.1:${port}`, received, connections: () => connections };
}

/** A server that never answers. */
function portOf(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the server does not listen on TCP');
  return address.port;
}

const hangingServer = (): Promise<TestServer> =>
  startServer(() => {
    /* never answers */
  });

/** A port on 127.0.0.1 where nothing listens (a server was there and closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = portOf(server);
  await new Promise<void>((resolve, reject) => {
    server.close((error) => {
      if (error) reject(error);
      else resolve();
    });
  });
  return port;
}

function client(baseUrl: string, timeoutMs = 2_000): UpstreamHttp {
  return createUpstreamHttp({
    service: 'erp',
    baseUrl,
    timeoutMs,
    headers: { 'x-api-key': API_KEY },
    transport,
  });
}

/** The rejection of `promise`, which must reject. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to reject');
}

/** Asserts that nothing a client must not see (URL, host, port, API key) is in the error's text or JSON. */
function expectNoLeak(error: unknown, port: number): void {
  if (!(error instanceof UpstreamError)) throw new Error('expected an UpstreamError', { cause: error });
  for (const text of [String(error), error.message, JSON.stringify(error)]) {
    expect(text).not.toContain('http://');
    expect(text).not.toContain('127.0.0.1');
    expect(text).not.toContain(String(port));
    expect(text).not.toContain(API_KEY);
  }
}

beforeEach(() => {
  transport = createUpstreamTransport();
});

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => {
            resolve();
          });
        }),
    ),
  );
  await transport.close();
});

describe('createUpstreamHttp on createUpstreamTransport', () => {
  it('sends a GET with its query string encoded, under the base URL path prefix, without the trailing slash', async () => {
    const server = await startServer((_req, res) => {
      res.end('ok');
    });
    const response = await client(`${server.origin}/api/v1/`).request('/items', { searchParams: { skus: '1,2', q: 'a b&c' } });

    expect(response).toMatchObject({ status: 200, text: 'ok' });
    expect(server.received).toHaveLength(1);
    const [arrived] = server.received;
    expect(arrived?.method).toBe('GET');
    expect(arrived?.url).toBe('/api/v1/items?skus=1%2C2&q=a+b%26c');
    const query = new URL(arrived?.url ?? '', server.origin).searchParams;
    expect(query.get('skus')).toBe('1,2');
    expect(query.get('q')).toBe('a b&c');
  });

  it('gives the text of its own answers without reading them again, and reads any other Response', async () => {
    const server = await startServer((_req, res) => {
      res.end('café ☕');
    });
    const own = await transport.fetch(`${server.origin}/plain`);
    expect(await transport.textOf(own)).toBe('café ☕');
    // Its body is still there for any other reader: it is a real Response.
    expect(await own.text()).toBe('café ☕');
    expect(await transport.textOf(new Response('from elsewhere'))).toBe('from elsewhere');
  });

  it('sends both the default headers and the per-call headers', async () => {
    const server = await startServer((_req, res) => {
      res.end();
    });
    await client(server.origin).request('/h', { headers: { 'x-request-id': 'req-42' } });

    expect(server.received[0]?.headers).toMatchObject({ 'x-api-key': API_KEY, 'x-request-id': 'req-42' });
  });

  it('sends a POST body exactly, non-ASCII text included, with its content-type', async () => {
    const server = await startServer((_req, res) => {
      res.end();
    });
    const body = '<soap:Envelope><name>Grüße — 日本 🍣 "quoted" &amp;</name></soap:Envelope>';
    await client(server.origin).request('/soap', {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8' },
      body,
    });

    const [arrived] = server.received;
    expect(arrived?.method).toBe('POST');
    expect(arrived?.body).toBe(body);
    expect(arrived?.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(arrived?.headers['content-length']).toBe(String(Buffer.byteLength(body)));
  });

  it('resolves with the status, content-type and text of any HTTP status instead of rejecting', async () => {
    const server = await startServer((req, res) => {
      if (req.url === '/missing') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      } else {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('upstream exploded');
      }
    });
    const http = client(server.origin);

    await expect(http.request('/missing')).resolves.toEqual({
      status: 404,
      contentType: 'application/json',
      text: '{"error":"not found"}',
    });
    await expect(http.request('/broken')).resolves.toEqual({ status: 500, contentType: 'text/plain', text: 'upstream exploded' });
  });

  it('returns a 302 as it is and never follows its Location', async () => {
    const server = await startServer((req, res) => {
      if (req.url === '/old') res.writeHead(302, { location: '/target' }).end();
      else res.end('target');
    });
    const response = await client(server.origin).request('/old');

    expect(response.status).toBe(302);
    expect(server.received.map((r) => r.url)).toEqual(['/old']);
  });

  it('rejects with a timeout UpstreamError after about timeoutMs when the server never answers and the caller gives no signal', async () => {
    const server = await hangingServer();
    const started = performance.now();
    const error = await rejectionOf(client(server.origin, 150).request('/slow'));
    const elapsed = performance.now() - started;

    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ service: 'erp', kind: 'timeout' });
    expect(elapsed).toBeGreaterThanOrEqual(100);
    expect(elapsed).toBeLessThan(700);
    expectNoLeak(error, server.port);
  });

  it('rejects with kind timeout when the caller signal aborts with a TimeoutError', async () => {
    const server = await hangingServer();
    const error = await rejectionOf(client(server.origin, 5_000).request('/slow', { signal: AbortSignal.timeout(100) }));

    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ service: 'erp', kind: 'timeout' });
    expectNoLeak(error, server.port);
  });

  it('rejects with kind network when the caller aborts its signal', async () => {
    const server = await hangingServer();
    const controller = new AbortController();
    const call = rejectionOf(client(server.origin, 5_000).request('/slow', { signal: controller.signal }));
    await expect.poll(() => server.received.length).toBe(1);
    controller.abort();
    const error = await call;

    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ service: 'erp', kind: 'network' });
    expectNoLeak(error, server.port);
  });

  it('rejects a call whose signal is already aborted without sending it', async () => {
    const server = await startServer((_req, res) => {
      res.end('ok');
    });
    const http = client(server.origin);
    const error = await rejectionOf(http.request('/never', { signal: AbortSignal.abort() }));

    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ service: 'erp', kind: 'network' });
    // A later call on the same client is the barrier: only it reaches the server.
    await http.request('/later');
    expect(server.received.map((r) => r.url)).toEqual(['/later']);
    expect(server.connections()).toBe(1);
  });

  it('rejects with kind network when the connection is refused', async () => {
    const port = await closedPort();
    const error = await rejectionOf(client(`http://127.0.0.1:${port}/api`).request('/items'));

    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ service: 'erp', kind: 'network' });
    expectNoLeak(error, port);
  });

  it('closes the request socket when the caller aborts a call to a hanging server', async () => {
    let socketClosed: () => void = () => undefined;
    const closed = new Promise<void>((resolve) => {
      socketClosed = resolve;
    });
    const server = await startServer((req) => {
      req.socket.once('close', () => {
        socketClosed();
      });
    });
    const controller = new AbortController();
    const call = rejectionOf(client(server.origin, 5_000).request('/slow', { signal: controller.signal }));
    await expect.poll(() => server.received.length).toBe(1);
    controller.abort();

    await expect(call).resolves.toBeInstanceOf(UpstreamError);
    await closed;
  }, 2_000);
});
