import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { useServersAndTransport } from '../../testing/servers.js';
import {
  BREAKER,
  createUpstreamGuard,
  type ResilienceOptions,
  type UpstreamGuard,
} from './resilience.js';
import { createUpstream, type Upstream, type UpstreamAnswer } from './upstream.js';
import { UpstreamError } from './upstream-error.js';

const { transport: currentTransport, track } = useServersAndTransport();

/** A real HTTP server on port 0 that counts the requests that reached it. */
async function upstreamServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; received: () => number }> {
  let received = 0;
  const server = createServer((req, res) => {
    received += 1;
    handler(req, res);
  });
  track(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`,
    received: () => received,
  };
}

const DEFAULTS: ResilienceOptions = {
  breakerFailures: 5,
  breakerCooldownMs: 200,
  maxConcurrency: 64,
  maxQueue: 256,
  retryBudgetRatio: 0.1,
  retryJitterMs: [0, 1],
};

/** An upstream behind a guard; `retried` counts the retries the guard reports (the retries metric's source). */
function guarded(
  url: string,
  options: Partial<ResilienceOptions> = {},
  timeoutMs = 2_000,
): { upstream: Upstream; guard: UpstreamGuard; retried: () => number } {
  let retried = 0;
  const guard = createUpstreamGuard('pricing', {
    ...DEFAULTS,
    ...options,
    onRetry: () => {
      retried += 1;
    },
  });
  return {
    guard,
    retried: () => retried,
    upstream: createUpstream({
      name: 'pricing',
      baseUrl: url,
      timeoutMs,
      transport: currentTransport(),
      steps: guard.steps,
    }),
  };
}

/** A decoder that makes a 404 an expected outcome and any other non-200 a failure. */
const decode = (answer: UpstreamAnswer): string | undefined => {
  if (answer.status === 404) return undefined;
  if (answer.status !== 200)
    throw new UpstreamError(answer.upstream, 'http', { status: answer.status });
  return answer.text;
};

const get = (upstream: Upstream, path = '/x', signal?: AbortSignal) =>
  upstream.call({ operation: 'getThing', path }, decode, signal ? { signal } : {});

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return error instanceof UpstreamError ? error.kind : 'other';
  }
}

describe('the circuit breaker', () => {
  it('opens after BREAKER_FAILURES consecutive failures: later calls fail at once as unavailable, sending nothing', async () => {
    const server = await upstreamServer((_req, res) => res.writeHead(500).end());
    const { upstream, guard } = guarded(server.url, { breakerCooldownMs: 60_000 });
    for (let i = 0; i < 5; i += 1) expect(await outcome(get(upstream))).toBe('http');
    expect(guard.breakerState()).toBe(BREAKER.open);
    expect(await outcome(get(upstream))).toBe('unavailable');
    expect(await outcome(get(upstream))).toBe('unavailable');
    expect(server.received()).toBe(5);
  });

  it('does not count expected outcomes: 50 "no such thing" answers in a row leave it closed', async () => {
    const server = await upstreamServer((_req, res) => res.writeHead(404).end());
    const { upstream, guard } = guarded(server.url);
    for (let i = 0; i < 50; i += 1) expect(await get(upstream)).toBeUndefined();
    expect(guard.breakerState()).toBe(BREAKER.closed);
    expect(server.received()).toBe(50);
  });

  it('counts consecutive failures only: an answer in between starts the count again', async () => {
    let answer = 0;
    const server = await upstreamServer((_req, res) => {
      answer += 1;
      res.writeHead(answer % 4 === 0 ? 200 : 500).end('ok');
    });
    const { upstream, guard } = guarded(server.url);
    for (let i = 0; i < 20; i += 1) await outcome(get(upstream));
    expect(guard.breakerState()).toBe(BREAKER.closed);
  });

  it('does not count a call its caller aborted', async () => {
    const server = await upstreamServer(() => undefined);
    const { upstream, guard } = guarded(server.url);
    for (let i = 0; i < 8; i += 1) {
      const controller = new AbortController();
      const call = outcome(get(upstream, '/x', controller.signal));
      controller.abort(new Error('the client went away'));
      expect(await call).toBe('aborted');
    }
    expect(guard.breakerState()).toBe(BREAKER.closed);
  });

  it('counts timeouts: a hanging upstream opens it', async () => {
    const server = await upstreamServer(() => undefined);
    const { upstream, guard } = guarded(
      server.url,
      { breakerFailures: 2, breakerCooldownMs: 60_000 },
      50,
    );
    expect(await outcome(get(upstream))).toBe('timeout');
    expect(await outcome(get(upstream))).toBe('timeout');
    expect(guard.breakerState()).toBe(BREAKER.open);
    expect(await outcome(get(upstream))).toBe('unavailable');
    expect(server.received()).toBe(2);
  });

  it('lets one probe through after the cooldown, failing the others at once, and closes when it succeeds', async () => {
    let healthy = false;
    let release: (() => void) | undefined;
    const server = await upstreamServer((_req, res) => {
      if (!healthy) res.writeHead(500).end();
      // The probe is held until the test has tried a second call meanwhile.
      else if (!release) release = () => res.end('back');
      else res.end('back');
    });
    const { upstream, guard } = guarded(server.url, { breakerFailures: 2, breakerCooldownMs: 100 });
    await outcome(get(upstream));
    await outcome(get(upstream));
    expect(guard.breakerState()).toBe(BREAKER.open);
    healthy = true;
    await new Promise((resolve) => setTimeout(resolve, 120));
    const probe = get(upstream);
    await expect.poll(() => server.received()).toBe(3);
    expect(guard.breakerState()).toBe(BREAKER.halfOpen);
    expect(await outcome(get(upstream))).toBe('unavailable');
    release?.();
    expect(await probe).toBe('back');
    expect(guard.breakerState()).toBe(BREAKER.closed);
    expect(await get(upstream)).toBe('back');
  });

  it('opens again when the probe fails', async () => {
    const server = await upstreamServer((_req, res) => res.writeHead(503).end());
    const { upstream, guard } = guarded(server.url, {
      breakerFailures: 1,
      breakerCooldownMs: 50,
      retryBudgetRatio: 0,
    });
    await outcome(get(upstream));
    await new Promise((resolve) => setTimeout(resolve, 70));
    expect(await outcome(get(upstream))).toBe('http');
    expect(guard.breakerState()).toBe(BREAKER.open);
    expect(await outcome(get(upstream))).toBe('unavailable');
    expect(server.received()).toBe(2);
  });
});

describe('the bulkhead', () => {
  it('sends at most maxConcurrency calls at once, queues maxQueue more, and fails the next one at once', async () => {
    const held: ServerResponse[] = [];
    const server = await upstreamServer((_req, res) => held.push(res));
    const { upstream } = guarded(server.url, { maxConcurrency: 2, maxQueue: 3 });
    const calls = Array.from({ length: 5 }, () => get(upstream));
    await expect.poll(() => server.received()).toBe(2);
    expect(await outcome(get(upstream))).toBe('unavailable');
    for (const res of held.splice(0)) res.end('done');
    await expect.poll(() => server.received()).toBe(4);
    for (const res of held.splice(0)) res.end('done');
    await expect.poll(() => server.received()).toBe(5);
    for (const res of held.splice(0)) res.end('done');
    expect(await Promise.all(calls)).toEqual(['done', 'done', 'done', 'done', 'done']);
  });

  it('does not count a full bulkhead as a failure of the upstream', async () => {
    const held: ServerResponse[] = [];
    const server = await upstreamServer((_req, res) => held.push(res));
    const { upstream, guard } = guarded(server.url, {
      maxConcurrency: 1,
      maxQueue: 0,
      breakerFailures: 2,
    });
    const first = get(upstream);
    await expect.poll(() => server.received()).toBe(1);
    for (let i = 0; i < 5; i += 1) expect(await outcome(get(upstream))).toBe('unavailable');
    expect(guard.breakerState()).toBe(BREAKER.closed);
    held[0]?.end('done');
    expect(await first).toBe('done');
  });
});

describe('the retry budget', () => {
  it('sends a read that met a 503 once more, after enough calls in the window', async () => {
    let answered = 0;
    const server = await upstreamServer((_req, res) => {
      answered += 1;
      res.writeHead(answered === 11 ? 503 : 200).end(String(answered));
    });
    const { upstream, retried } = guarded(server.url);
    for (let i = 0; i < 10; i += 1) await get(upstream);
    expect(await get(upstream)).toBe('12');
    expect(server.received()).toBe(12);
    expect(retried()).toBe(1);
  });

  it('never sends a write again, nor a read that failed with anything but a transport error, 502 or 503', async () => {
    const server = await upstreamServer((req, res) =>
      res.writeHead(req.method === 'POST' ? 503 : 500).end(),
    );
    const { upstream, retried } = guarded(server.url, {
      retryBudgetRatio: 1,
      breakerFailures: 1_000,
    });
    for (let i = 0; i < 10; i += 1) await outcome(get(upstream));
    await outcome(upstream.call({ operation: 'setThing', method: 'POST', path: '/x' }, decode));
    expect(retried()).toBe(0);
    expect(server.received()).toBe(11);
  });

  it('retries a write marked idempotent (PlaceOrder, by its reference)', async () => {
    let answered = 0;
    const server = await upstreamServer((_req, res) => {
      answered += 1;
      res.writeHead(answered === 1 ? 502 : 200).end('placed');
    });
    const { upstream } = guarded(server.url, { retryBudgetRatio: 1 });
    await expect(
      upstream.call(
        { operation: 'PlaceOrder', method: 'POST', path: '/x', idempotent: true },
        decode,
      ),
    ).resolves.toBe('placed');
    expect(server.received()).toBe(2);
  });

  it('keeps retries within RETRY_BUDGET_RATIO of the calls while an upstream fails every call', async () => {
    const server = await upstreamServer((_req, res) => res.writeHead(503).end());
    const { upstream, retried } = guarded(server.url, { breakerFailures: 10_000 });
    for (let i = 0; i < 200; i += 1) await outcome(get(upstream));
    const retries = server.received() - 200;
    expect(retries).toBeGreaterThan(0);
    expect(retries).toBeLessThanOrEqual(20);
    expect(retried()).toBe(retries);
  });

  it('retries a refused connection, and not at all when the caller has given up', async () => {
    const server = await upstreamServer((_req, res) => res.end('ok'));
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) =>
      closed.close(() => {
        resolve();
      }),
    );
    const {
      upstream: warm,
      guard,
      retried,
    } = guarded(server.url, {
      retryBudgetRatio: 1,
      breakerFailures: 1_000,
    });
    for (let i = 0; i < 3; i += 1) await get(warm);
    const refused = createUpstream({
      name: 'pricing',
      baseUrl: `http://127.0.0.1:${String(port)}`,
      timeoutMs: 1_000,
      transport: currentTransport(),
      steps: guard.steps,
    });
    expect(await outcome(get(refused))).toBe('network');
    expect(retried()).toBe(1);
    expect(await outcome(get(refused, '/x', AbortSignal.abort()))).toBe('aborted');
    expect(retried()).toBe(1);
  });
});
