import { Agent, request } from 'undici';

export interface KeepAliveFetchOptions {
  /** Connections per upstream origin. @default 128 */
  connections?: number;
  /** How long an idle connection is kept. @default 10_000 */
  keepAliveTimeoutMs?: number;
}

/**
 * A fetch for ky backed by undici's `request()` on a keep-alive Agent: connections to an upstream
 * are reused, and the per-call cost of Node's bundled fetch (its own Request/Response machinery)
 * is skipped. It takes what ky gives it (a Request) and answers a standard Response.
 */
export function createKeepAliveFetch(options: KeepAliveFetchOptions = {}): { fetch: typeof fetch; close: () => Promise<void> } {
  const agent = new Agent({
    connections: options.connections ?? 128,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 10_000,
    keepAliveMaxTimeout: 60_000,
  });
  const keepAliveFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const incoming = input instanceof Request ? input : new Request(input, init);
    const headers: Record<string, string> = {};
    incoming.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const body = incoming.method === 'GET' || incoming.method === 'HEAD' ? undefined : await incoming.text();
    const answer = await request(incoming.url, {
      method: incoming.method as 'GET',
      headers,
      ...(body === undefined ? {} : { body }),
      signal: incoming.signal,
      dispatcher: agent,
    });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      if (Array.isArray(value)) for (const item of value) responseHeaders.append(name, item);
      else if (value !== undefined) responseHeaders.set(name, value);
    }
    const text = await answer.body.text();
    // 1xx and 204/304 cannot carry a body in a Response.
    const empty = answer.statusCode === 204 || answer.statusCode === 304 || answer.statusCode < 200;
    return new Response(empty ? null : text, { status: answer.statusCode, headers: responseHeaders });
  };
  return { fetch: keepAliveFetch, close: () => agent.close() };
}
