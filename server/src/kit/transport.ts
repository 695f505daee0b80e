import { Agent, errors, request } from 'undici';

/**
 * What the upstream client hands its fetch beside the Request. ky passes options it does not know
 * to its `fetch` as the second argument, untouched; these ride there so that the per-call work ky
 * would otherwise do on Node 20 is skipped: a string body streamed into the Request, cloned (a
 * tee) and then read back, and the caller's signal combined with ky's own by `AbortSignal.any`.
 */
export interface TransportCall {
  /** The body as text (the Request then carries none). */
  body?: string;
  /** The caller's signal: its part's budget, its deadline, the client going away. */
  signal?: AbortSignal;
  /** Bounds the whole call, from sending to the last byte of the answer. */
  timeoutMs?: number;
}

export type TransportInit = RequestInit & { transport?: TransportCall };
export type TransportFetch = (input: string | URL | Request, init?: TransportInit) => Promise<Response>;

export interface UpstreamTransportOptions {
  /** Connections per upstream origin. @default 128 */
  connections?: number;
  /** How long an idle connection is kept. @default 10_000 */
  keepAliveTimeoutMs?: number;
}

export interface UpstreamTransport {
  /** A fetch for ky, backed by undici's `request()` on a keep-alive Agent. */
  readonly fetch: TransportFetch;
  /**
   * The text of a Response this transport answered, without reading its body stream again (the
   * transport had the whole text before it built the Response); any other Response is read.
   */
  textOf(response: Response): Promise<string>;
  close(): Promise<void>;
}

/** TransportCall.timeoutMs ran out before the whole answer had arrived. */
export class TransportTimeoutError extends Error {
  override readonly name = 'TransportTimeoutError';
}

/** The time bound of TransportCall.timeoutMs ran out (or undici's own headers or body timeout). */
export function isTransportTimeout(error: unknown): boolean {
  return error instanceof TransportTimeoutError || error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError;
}

/** A signal that aborts after `ms` with a TransportTimeoutError, or with the caller's reason when the caller's signal aborts first. */
function boundedSignal(ms: number, caller: AbortSignal | undefined): { signal: AbortSignal; stop: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new TransportTimeoutError(`no whole answer within ${String(ms)} ms`));
  }, ms);
  const onCallerAbort = (): void => {
    controller.abort(caller?.reason);
  };
  if (caller?.aborted) onCallerAbort();
  else caller?.addEventListener('abort', onCallerAbort, { once: true });
  return {
    signal: controller.signal,
    stop() {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onCallerAbort);
    },
  };
}

/**
 * Upstream HTTP on keep-alive connections: a connection pool per origin is reused across calls,
 * and the per-call cost of Node's bundled fetch (its own Request/Response machinery) is skipped.
 * It takes what ky gives it (URL, method and merged headers from the Request; body, signal and
 * timeout from TransportCall) and answers a standard Response. Without a TransportCall it reads
 * everything from the Request, like any fetch. Redirects are never followed.
 */
export function createUpstreamTransport(options: UpstreamTransportOptions = {}): UpstreamTransport {
  const agent = new Agent({
    connections: options.connections ?? 128,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 10_000,
    keepAliveMaxTimeout: 60_000,
  });
  const texts = new WeakMap<Response, string>();
  const transportFetch: TransportFetch = async (input, init) => {
    const incoming = input instanceof Request ? input : new Request(input, init);
    const call = init?.transport;
    const headers: Record<string, string> = {};
    incoming.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const hasBody = incoming.method !== 'GET' && incoming.method !== 'HEAD';
    const body = call ? call.body : hasBody ? await incoming.text() : undefined;
    const callerSignal = call ? call.signal : incoming.signal;
    // The time bound: a timer of our own (undici's headers and body timeouts tick about once a
    // second, too coarse for budgets under a second), tied to the caller's signal by hand rather
    // than with AbortSignal.any, which is costly on Node 20.
    const bound = call?.timeoutMs === undefined ? undefined : boundedSignal(call.timeoutMs, callerSignal);
    try {
      const answer = await request(incoming.url, {
        method: incoming.method as 'GET',
        headers,
        ...(body === undefined ? {} : { body }),
        ...((bound?.signal ?? callerSignal) ? { signal: bound?.signal ?? callerSignal } : {}),
        dispatcher: agent,
      });
      const responseHeaders = new Headers();
      for (const name in answer.headers) {
        const value = answer.headers[name];
        if (Array.isArray(value)) for (const item of value) responseHeaders.append(name, item);
        else if (value !== undefined) responseHeaders.set(name, value);
      }
      const text = await answer.body.text();
      // 1xx and 204/304 cannot carry a body in a Response.
      const empty = answer.statusCode === 204 || answer.statusCode === 304 || answer.statusCode < 200;
      const response = new Response(empty ? null : text, { status: answer.statusCode, headers: responseHeaders });
      texts.set(response, empty ? '' : text);
      return response;
    } catch (error) {
      // Whose abort was it: the bound's (a TransportTimeoutError) or the caller's (its reason).
      if (bound?.signal.aborted) throw bound.signal.reason;
      throw error;
    } finally {
      bound?.stop();
    }
  };
  return {
    fetch: transportFetch,
    textOf: (response) => {
      const text = texts.get(response);
      return text === undefined ? response.text() : Promise.resolve(text);
    },
    close: () => agent.close(),
  };
}
