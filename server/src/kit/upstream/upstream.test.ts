import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { describe, expect, it } from 'vitest';
import { useServersAndTransport } from '../../testing/servers.js';
import {
  createUpstream,
  type CallOptions,
  type Upstream,
  type UpstreamAnswer,
  type UpstreamRequest,
  type UpstreamStep,
} from './upstream.js';
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
const { transport: currentTransport, track } = useServersAndTransport();

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
  track(server);
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  const port = portOf(server);
  return { port, origin: `http://127.0.0.1:${port}`, received, connections: () => connections };
}

/** A server that never answers. */
function portOf(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('the server does not listen on TCP');
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

function upstreamAt(
  baseUrl: string,
  options: { timeoutMs?: number; maxBytes?: number; steps?: UpstreamStep[] } = {},
): Upstream {
  return createUpstream({
    name: 'erp',
    baseUrl,
    timeoutMs: options.timeoutMs ?? 2_000,
    ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
    headers: { 'x-api-key': API_KEY },
    transport: currentTransport(),
    ...(options.steps ? { steps: options.steps } : {}),
  });
}

/** The upstream's answer as it is (a decoder that decodes nothing). */
const raw = (answer: UpstreamAnswer): UpstreamAnswer => answer;

/** One call of `upstream` that answers the raw answer. */
const send = (
  upstream: Upstream,
  path: string,
  request: Partial<UpstreamRequest> = {},
  call: CallOptions = {},
): Promise<UpstreamAnswer> => upstream.call({ operation: 'Test', path, ...request }, raw, call);

/** A client of the test server whose calls answer the raw answer. */
function client(baseUrl: string, timeoutMs = 2_000) {
  const upstream = upstreamAt(baseUrl, { timeoutMs });
  return {
    request: (path: string, init: Partial<UpstreamRequest> & { signal?: AbortSignal } = {}) => {
      const { signal, ...request } = init;
      return send(upstream, path, request, signal ? { signal } : {});
    },
  };
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
  if (!(error instanceof UpstreamError))
    throw new Error('expected an UpstreamError', { cause: error });
  for (const text of [String(error), error.message, JSON.stringify(error)]) {
    expect(text).not.toContain('http://');
    expect(text).not.toContain('127.0.0.1');
    expect(text).not.toContain(String(port));
    expect(text).not.toContain(API_KEY);
  }
}

describe('createUpstream: the call path of one upstream', () => {
  it('sends a GET with its query string encoded, under the base URL path prefix, without the trailing slash', async () => {
    const server = await startServer((_req, res) => {
      res.end('ok');
    });
    const response = await client(`${server.origin}/api/v1/`).request('/items', {
      query: { skus: '1,2', q: 'a b&c' },
    });

    expect(response).toMatchObject({ status: 200, text: 'ok' });
    expect(server.received).toHaveLength(1);
    const [arrived] = server.received;
    expect(arrived?.method).toBe('GET');
    expect(arrived?.url).toBe('/api/v1/items?skus=1%2C2&q=a+b%26c');
    const query = new URL(arrived?.url ?? '', server.origin).searchParams;
    expect(query.get('skus')).toBe('1,2');
    expect(query.get('q')).toBe('a b&c');
  });

  it("sends the upstream's headers, the request's headers and the scope's request id", async () => {
    const server = await startServer((_req, res) => {
      res.end();
    });
    await send(
      upstreamAt(server.origin),
      '/h',
      { headers: { accept: 'text/xml' } },
      { scope: { requestId: 'req-42' } },
    );

    expect(server.received[0]?.headers).toMatchObject({
      'x-api-key': API_KEY,
      accept: 'text/xml',
      'x-request-id': 'req-42',
    });
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
      upstream: 'erp',
      status: 404,
      contentType: 'application/json',
      text: '{"error":"not found"}',
    });
    await expect(http.request('/broken')).resolves.toEqual({
      upstream: 'erp',
      status: 500,
      contentType: 'text/plain',
      text: 'upstream exploded',
    });
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
    const error = await rejectionOf(
      client(server.origin, 5_000).request('/slow', { signal: AbortSignal.timeout(100) }),
    );

    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ service: 'erp', kind: 'timeout' });
    expectNoLeak(error, server.port);
  });

  it('rejects with kind aborted (no verdict on the upstream) when the caller aborts its signal', async () => {
    const server = await hangingServer();
    const controller = new AbortController();
    const call = rejectionOf(
      client(server.origin, 5_000).request('/slow', { signal: controller.signal }),
    );
    await expect.poll(() => server.received.length).toBe(1);
    controller.abort();
    const error = await call;

    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ service: 'erp', kind: 'aborted' });
    expectNoLeak(error, server.port);
  });

  it('rejects a call whose signal is already aborted without sending it', async () => {
    const server = await startServer((_req, res) => {
      res.end('ok');
    });
    const http = client(server.origin);
    const error = await rejectionOf(http.request('/never', { signal: AbortSignal.abort() }));

    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ service: 'erp', kind: 'aborted' });
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
    const call = rejectionOf(
      client(server.origin, 5_000).request('/slow', { signal: controller.signal }),
    );
    await expect.poll(() => server.received.length).toBe(1);
    controller.abort();

    await expect(call).resolves.toBeInstanceOf(UpstreamError);
    await closed;
  }, 2_000);

  it('reads an answer of many chunks whole, multi-byte characters split across chunks included', async () => {
    const text = 'Café 日本 🍣 '.repeat(5_000);
    const bytes = Buffer.from(text);
    const server = await startServer((_req, res) => {
      // Odd-sized chunks cut characters in half.
      for (let i = 0; i < bytes.length; i += 4_093) res.write(bytes.subarray(i, i + 4_093));
      res.end();
    });
    expect((await client(server.origin).request('/big')).text).toBe(text);
  });

  it('cuts off an answer longer than maxBytes while it arrives, closes its connection, and fails with invalid-response', async () => {
    let socketClosed: () => void = () => undefined;
    const closed = new Promise<void>((resolve) => {
      socketClosed = resolve;
    });
    let sent = 0;
    const server = await startServer((req, res) => {
      req.socket.once('close', () => {
        socketClosed();
      });
      // No content-length, and it never ends: only the bound stops the reading.
      res.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => {
        sent += 16_384;
        res.write(Buffer.alloc(16_384, 'x'));
      }, 1);
      res.once('close', () => {
        clearInterval(timer);
      });
    });
    const error = await rejectionOf(
      send(upstreamAt(server.origin, { maxBytes: 100_000, timeoutMs: 5_000 }), '/endless'),
    );

    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ service: 'erp', kind: 'invalid-response' });
    expect((error as Error).cause).toMatchObject({ name: 'AnswerTooLargeError' });
    await closed;
    // Reading stopped soon after the bound, not at the end of anything.
    expect(sent).toBeLessThan(1_000_000);
    expectNoLeak(error, server.port);
  });

  it('refuses an answer whose content-length is over maxBytes without reading it', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-length': 2_000_000 });
      res.write(Buffer.alloc(1_000, 'x'));
    });
    const error = await rejectionOf(
      send(upstreamAt(server.origin, { maxBytes: 100_000 }), '/huge'),
    );
    expect(error).toMatchObject({
      kind: 'invalid-response',
      cause: { name: 'AnswerTooLargeError' },
    });
  });

  it('accepts an answer of exactly maxBytes', async () => {
    const server = await startServer((_req, res) => {
      res.end('x'.repeat(100_000));
    });
    expect(
      (await send(upstreamAt(server.origin, { maxBytes: 100_000 }), '/exact')).text,
    ).toHaveLength(100_000);
  });

  it('bounds the whole answer, not only its headers: an answer still arriving at timeoutMs fails with timeout', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
      const timer = setInterval(() => res.write('1,'), 20);
      res.once('close', () => {
        clearInterval(timer);
      });
    });
    const started = performance.now();
    const error = await rejectionOf(send(upstreamAt(server.origin, { timeoutMs: 200 }), '/drip'));
    expect(error).toMatchObject({ service: 'erp', kind: 'timeout' });
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it("hands the answer to the call's decoder and resolves with what it returns", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(404).end();
    });
    const upstream = upstreamAt(server.origin);
    await expect(
      upstream.call({ operation: 'GetThing', path: '/thing' }, (answer) =>
        answer.status === 404 ? 'no such thing' : 'found',
      ),
    ).resolves.toBe('no such thing');
  });

  it("turns a decoder's own throw into invalid-response with the status, and passes an UpstreamError it throws as it is", async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200).end('not json');
    });
    const upstream = upstreamAt(server.origin);
    const broken = await rejectionOf(
      upstream.call(
        { operation: 'GetThing', path: '/thing' },
        (answer) => JSON.parse(answer.text) as unknown,
      ),
    );
    expect(broken).toMatchObject({ service: 'erp', kind: 'invalid-response', status: 200 });
    expect((broken as Error).cause).toBeInstanceOf(SyntaxError);
    const own = new UpstreamError('erp', 'fault', { status: 500, faultCode: 'Server' });
    await expect(
      upstream.call({ operation: 'GetThing', path: '/thing' }, () => {
        throw own;
      }),
    ).rejects.toBe(own);
  });

  describe('steps', () => {
    /** A step that records what it saw, calling next once. */
    function recorder(name: string, seen: string[]): UpstreamStep {
      return async (call, next) => {
        seen.push(
          `${name} before ${call.upstream} ${call.request.operation} ${call.options.scope?.requestId ?? '-'}`,
        );
        try {
          const value = await next();
          seen.push(`${name} after: value`);
          return value;
        } catch (error) {
          seen.push(
            `${name} after: ${error instanceof UpstreamError ? `UpstreamError ${error.kind}` : 'other'}`,
          );
          throw error;
        }
      };
    }

    it('runs every call through the steps, outermost first, with its upstream, operation and scope', async () => {
      const server = await startServer((_req, res) => {
        res.end('ok');
      });
      const seen: string[] = [];
      const upstream = upstreamAt(server.origin, {
        steps: [recorder('outer', seen), recorder('inner', seen)],
      });
      await upstream.call({ operation: 'GetProduct', path: '/p' }, raw, {
        scope: { requestId: 'req-7' },
      });
      expect(seen).toEqual([
        'outer before erp GetProduct req-7',
        'inner before erp GetProduct req-7',
        'inner after: value',
        'outer after: value',
      ]);
    });

    it('shows a step an expected outcome as a value and a failure as an UpstreamError', async () => {
      const server = await startServer((req, res) => {
        if (req.url === '/missing') res.writeHead(404).end();
        else res.writeHead(503).end();
      });
      const seen: string[] = [];
      const upstream = upstreamAt(server.origin, { steps: [recorder('breaker', seen)] });
      const decode = (answer: UpstreamAnswer): string | undefined => {
        if (answer.status === 404) return undefined;
        throw new UpstreamError(answer.upstream, 'http', { status: answer.status });
      };
      await upstream.call({ operation: 'GetThing', path: '/missing' }, decode);
      await expect(
        upstream.call({ operation: 'GetThing', path: '/down' }, decode),
      ).rejects.toBeInstanceOf(UpstreamError);
      expect(seen.filter((line) => line.includes('after'))).toEqual([
        'breaker after: value',
        'breaker after: UpstreamError http',
      ]);
    });

    it('sends what a step adds to the headers', async () => {
      const server = await startServer((_req, res) => {
        res.end();
      });
      const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      const trace: UpstreamStep = (call, next) => {
        call.headers.traceparent = traceparent;
        return next();
      };
      await send(upstreamAt(server.origin, { steps: [trace] }), '/t');
      expect(server.received[0]?.headers.traceparent).toBe(traceparent);
    });

    it('sends the request again when a step calls next again (a retry)', async () => {
      let answered = 0;
      const server = await startServer((_req, res) => {
        answered += 1;
        res.writeHead(answered === 1 ? 503 : 200).end(String(answered));
      });
      const retryOnce: UpstreamStep = async (_call, next) => {
        try {
          return await next();
        } catch {
          return next();
        }
      };
      const decode = (answer: UpstreamAnswer): string => {
        if (answer.status !== 200)
          throw new UpstreamError(answer.upstream, 'http', { status: answer.status });
        return answer.text;
      };
      await expect(
        upstreamAt(server.origin, { steps: [retryOnce] }).call(
          { operation: 'GetThing', path: '/x' },
          decode,
        ),
      ).resolves.toBe('2');
      expect(server.received).toHaveLength(2);
    });

    it('sends nothing when a step refuses the call', async () => {
      const server = await startServer((_req, res) => {
        res.end();
      });
      const open: UpstreamStep = () =>
        Promise.reject(new UpstreamError('erp', 'network', { cause: new Error('breaker open') }));
      await expect(send(upstreamAt(server.origin, { steps: [open] }), '/x')).rejects.toMatchObject({
        kind: 'network',
      });
      expect(server.received).toHaveLength(0);
    });
  });
});
