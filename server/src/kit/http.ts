import ky, { type KyInstance, type Options } from 'ky';
import { isTransportTimeout, type TransportCall, type UpstreamTransport } from './transport.js';
import { UpstreamError } from './upstream-error.js';

export interface UpstreamHttpOptions {
  /** The service's name, for errors and logs. */
  service: string;
  /** Base URL, path prefix allowed; a trailing slash is dropped. */
  baseUrl: string;
  /** Bounds the wait for an answer (the caller's budget signal may end a call sooner). */
  timeoutMs: number;
  /** Headers on every call (the API key). */
  headers?: Record<string, string>;
  /** The keep-alive transport (kit/transport.ts): ky's fetch, which sends the body and honours the signal and bound ky passes beside the Request. */
  transport: Pick<UpstreamTransport, 'fetch' | 'textOf'>;
}

export interface UpstreamResponse {
  status: number;
  contentType: string;
  text: string;
}

export interface UpstreamRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  searchParams?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

export interface UpstreamHttp {
  readonly service: string;
  /** Sends a request; any HTTP status resolves, transport trouble rejects with an UpstreamError. */
  request(path: string, init?: UpstreamRequest): Promise<UpstreamResponse>;
}

/**
 * HTTP to one upstream through ky: no retries (ky's default retries twice, honouring
 * Retry-After), an explicit timeout, no redirects, and errors that carry the service and kind but
 * never the URL (ky's own messages hold it). ky builds the request (URL, method, merged headers);
 * the body, the caller's signal and the timeout go beside it to the keep-alive transport, which is
 * what makes a call cheap (see TransportCall). ky's own timer is off: the transport's bound and the
 * caller's signal replace it.
 */
export function createUpstreamHttp(options: UpstreamHttpOptions): UpstreamHttp {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const client: KyInstance = ky.create({
    timeout: false,
    retry: 0,
    throwHttpErrors: false,
    redirect: 'manual',
    headers: options.headers ?? {},
    fetch: options.transport.fetch,
  });

  return {
    service: options.service,
    async request(path, init = {}) {
      const query = init.searchParams ? `?${new URLSearchParams(init.searchParams).toString()}` : '';
      const transport: TransportCall = {
        timeoutMs: options.timeoutMs,
        ...(init.body === undefined ? {} : { body: init.body }),
        ...(init.signal ? { signal: init.signal } : {}),
      };
      const kyOptions: Options & { transport: TransportCall } = {
        method: init.method ?? 'GET',
        ...(init.headers ? { headers: init.headers } : {}),
        transport,
      };
      try {
        if (init.signal?.aborted) throw init.signal.reason;
        const response = await client(`${baseUrl}${path}${query}`, kyOptions);
        const text = await options.transport.textOf(response);
        return { status: response.status, contentType: response.headers.get('content-type') ?? '', text };
      } catch (error) {
        throw toUpstreamError(options.service, error, init.signal);
      }
    },
  };
}

function toUpstreamError(service: string, error: unknown, signal: AbortSignal | undefined): UpstreamError {
  if (error instanceof UpstreamError) return error;
  if (isTransportTimeout(error)) return new UpstreamError(service, 'timeout', { cause: error });
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    const timedOut = reason instanceof DOMException && reason.name === 'TimeoutError';
    return new UpstreamError(service, timedOut ? 'timeout' : 'network', { cause: reason });
  }
  return new UpstreamError(service, 'network', { cause: error });
}
