import ky, { TimeoutError, type KyInstance } from 'ky';
import { UpstreamError } from './upstream-error.js';

export interface UpstreamHttpOptions {
  /** The service's name, for errors and logs. */
  service: string;
  /** Base URL, path prefix allowed; a trailing slash is dropped. */
  baseUrl: string;
  /** Per-call timeout (the caller's budget signal may end a call sooner). */
  timeoutMs: number;
  /** Headers on every call (the API key). */
  headers?: Record<string, string>;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

export interface UpstreamResponse {
  status: number;
  contentType: string;
  text: string;
}

export interface UpstreamRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  searchParams?: URLSearchParams | Record<string, string>;
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
 * Retry-After), an explicit timeout, and errors that carry the service and kind but never the URL
 * (ky's own messages hold it).
 */
export function createUpstreamHttp(options: UpstreamHttpOptions): UpstreamHttp {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const client: KyInstance = ky.create({
    timeout: options.timeoutMs,
    retry: 0,
    throwHttpErrors: false,
    redirect: 'manual',
    headers: options.headers ?? {},
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });

  return {
    service: options.service,
    async request(path, init = {}) {
      try {
        const response = await client(`${baseUrl}${path}`, {
          method: init.method ?? 'GET',
          ...(init.searchParams ? { searchParams: init.searchParams } : {}),
          ...(init.headers ? { headers: init.headers } : {}),
          ...(init.body === undefined ? {} : { body: init.body }),
          ...(init.signal ? { signal: init.signal } : {}),
        });
        const text = await response.text();
        return { status: response.status, contentType: response.headers.get('content-type') ?? '', text };
      } catch (error) {
        throw toUpstreamError(options.service, error, init.signal);
      }
    },
  };
}

function toUpstreamError(service: string, error: unknown, signal: AbortSignal | undefined): UpstreamError {
  if (error instanceof UpstreamError) return error;
  if (error instanceof TimeoutError) return new UpstreamError(service, 'timeout', { cause: error });
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    const timedOut = reason instanceof DOMException && reason.name === 'TimeoutError';
    return new UpstreamError(service, timedOut ? 'timeout' : 'network', { cause: reason });
  }
  return new UpstreamError(service, 'network', { cause: error });
}
