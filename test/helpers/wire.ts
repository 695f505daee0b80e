import { Agent, get as httpGet } from 'node:http';
import { afterEach, expect } from 'vitest';
import { startBff, type Bff, type StartBffOptions } from './bff.js';

/** A raw answer of the BFF, whatever its content type (the body is parsed only when it is JSON). */
export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A raw request to the BFF (`path` below its base URL, such as `/trpc/product.page`). */
export async function rawRequest(
  bff: Bff,
  path: string,
  init: RequestInit = {},
): Promise<RawAnswer> {
  const response = await fetch(`${bff.url}${path}`, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: parseJson(text) };
}

/**
 * The path of a GET batch in tRPC's wire format: `/trpc/a,b?batch=1&input={"0":{"json":…},…}`.
 * An input left `undefined` is left out of the input object (a procedure without input).
 */
export function batchPath(calls: readonly { path: string; input?: unknown }[]): string {
  const inputs = Object.fromEntries(
    calls.flatMap((call, index) =>
      call.input === undefined ? [] : [[String(index), { json: call.input }]],
    ),
  );
  const paths = calls.map((call) => call.path).join(',');
  return `/trpc/${paths}?batch=1&input=${encodeURIComponent(JSON.stringify(inputs))}`;
}

/** The tRPC error of a raw non-batch answer (`{ error: { json: { message, code, data } } }`), or undefined. */
export function wireError(
  body: unknown,
): { message: string; data: Record<string, unknown> } | undefined {
  if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
  const { error } = body;
  if (typeof error !== 'object' || error === null || !('json' in error)) return undefined;
  const { json } = error;
  if (typeof json !== 'object' || json === null) return undefined;
  const message = 'message' in json && typeof json.message === 'string' ? json.message : '';
  const data =
    'data' in json && typeof json.data === 'object' && json.data !== null
      ? (json.data as Record<string, unknown>)
      : {};
  return { message, data };
}

/**
 * Asserts that a raw answer carries nothing docs/api.md keeps from clients: the sandbox's upstream URLs,
 * hosts and ports, any API key, stack traces, and raw upstream (SOAP/XML or HTML) body fragments.
 */
export function expectNoLeak(bff: Bff, text: string): void {
  for (const [service, url] of Object.entries(bff.sandbox.urls)) {
    const { host, port } = new URL(url);
    expect(text, `${service} URL`).not.toContain(url);
    expect(text, `${service} host:port`).not.toContain(host);
    expect(text, `${service} port`).not.toContain(`:${port}`);
  }
  expect(text, 'a loopback address').not.toMatch(/127\.0\.0\.1|localhost|https?:\/\//i);
  for (const [service, key] of Object.entries(bff.sandbox.keys))
    expect(text, `${service} key`).not.toContain(key);
  expect(text, 'a stack').not.toMatch(/stack/i);
  expect(text, 'a stack frame').not.toMatch(/\bat \S+ \(|\bat (file|node):|\bat async\b/);
  expect(text, 'SOAP').not.toMatch(/soap|envelope/i);
  expect(text, 'markup').not.toContain('<');
}

/** BFFs started inside a test, each closed after that test (for configurations the file's BFF does not have). */
export function useExtraBffs(): { start(options?: StartBffOptions): Promise<Bff> } {
  const started: Bff[] = [];
  afterEach(async () => {
    const closing = started.splice(0);
    await Promise.all(closing.map((bff) => bff.close()));
  });
  return {
    async start(options = {}) {
      const bff = await startBff(options);
      started.push(bff);
      return bff;
    },
  };
}

/**
 * Sends GET requests to the BFF all at once, each on a connection of its own opened beforehand, so
 * that they arrive together (as concurrent shoppers' requests do under load).
 */
export async function sendTogether(
  bff: Bff,
  requests: readonly { path: string; headers?: Record<string, string> }[],
): Promise<RawAnswer[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: requests.length });
  const get = (path: string, headers: Record<string, string> = {}) =>
    new Promise<RawAnswer>((resolve, reject) => {
      httpGet(`${bff.url}${path}`, { agent, headers }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(response.headers))
            if (typeof value === 'string') headers.set(name, value);
          resolve({ status: response.statusCode ?? 0, headers, text, body: parseJson(text) });
        });
      }).on('error', reject);
    });
  try {
    // Connections first, so that the requests themselves go out in one turn.
    await Promise.all(requests.map(() => get('/healthz')));
    return await Promise.all(requests.map((request) => get(request.path, request.headers)));
  } finally {
    agent.destroy();
  }
}
