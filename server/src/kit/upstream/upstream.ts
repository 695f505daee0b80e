import type { Context } from '@opentelemetry/api';
import { createDeadline } from '../deadline.js';
import type { StopSignal } from '../stop-signal.js';
import type { RequestRecord } from '../telemetry/request-record.js';
import { AnswerTooLargeError, type Transport } from './transport.js';
import { UpstreamError } from './upstream-error.js';

/** The request a call serves: what every upstream call carries on its behalf. */
export interface RequestScope {
  /** Sent upstream as `X-Request-Id`. */
  readonly requestId: string;
  /** The trace context (OpenTelemetry) the call's span is a child of; `traceparent` is sent from it. */
  readonly trace?: Context | undefined;
  /** Where the request's upstream times and cache outcomes add up (Server-Timing, the log line). */
  readonly record?: RequestRecord | undefined;
  /** Hears each optional part of the request that failed (its log line). */
  readonly onPartFailed?: ((part: string, error: unknown) => void) | undefined;
  /**
   * Who the request is for, as the rate limiter keys it (`user:<sub>` with a valid token, else
   * `address:<ip>`): asked only by what routes callers (the ERP's versions), computed once.
   */
  readonly caller?: (() => string | Promise<string>) | undefined;
}

/** How one call is made: its caller's signal (a part's budget, a deadline, a client gone) and its request. */
export interface CallOptions {
  signal?: StopSignal | undefined;
  scope?: RequestScope | undefined;
  /** The other requests a merged look-up serves besides `scope`'s (see merged-lookups.ts). */
  also?: readonly RequestScope[] | undefined;
  /** A copy of a read sent only to compare its answer (a shadow read): its span says so. */
  shadow?: boolean | undefined;
  /**
   * When the caller's time is up (`performance.now()`), where known: what lets a call keep part of
   * its budget for a fallback (the ERP's versions).
   */
  deadlineAt?: number | undefined;
}

export interface UpstreamRequest {
  /** What the call does (`GetProduct`, `getPrices`): named in errors, logs, metrics and spans, never a URL. */
  operation: string;
  /** @default 'GET' */
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Below the upstream's base URL; segments already encoded. */
  path: string;
  /** Query parameters; a list is sent as the parameter repeated (`sku=1&sku=2`). */
  query?: Record<string, string | readonly string[]>;
  headers?: Record<string, string>;
  body?: string;
  /** Whether a failed attempt may be sent again. @default true for GET, false otherwise */
  idempotent?: boolean;
}

/** An upstream's whole answer, whatever its status, handed to the call's decoder. */
export interface UpstreamAnswer {
  upstream: string;
  status: number;
  contentType: string;
  text: string;
  retryAfter?: string;
}

/** One call on its way through the steps. */
export interface UpstreamCall {
  readonly upstream: string;
  readonly request: UpstreamRequest;
  readonly options: CallOptions;
  /** Headers a step adds to what is sent (trace context and the like). */
  readonly headers: Record<string, string>;
}

/**
 * A step around every call of an upstream: it may refuse the call, wait, call `next` (once, or
 * again for a retry), and watch what comes back. `next` resolves with the decoded answer (an
 * expected outcome such as "no such product" included) and rejects with an UpstreamError for a
 * failure: timeout, refused or reset connection, unexpected status, malformed or oversized answer.
 */
export type UpstreamStep = <T>(call: UpstreamCall, next: () => Promise<T>) => Promise<T>;

export interface UpstreamOptions {
  /** The upstream's name (`erp`, `pricing`): in errors, logs and metrics. */
  name: string;
  /** Base URL, path prefix allowed; a trailing slash is dropped. */
  baseUrl: string;
  /** Bounds each attempt, from sending to the last byte of the answer. */
  timeoutMs: number;
  /** The largest answer read. @default 8_388_608 */
  maxBytes?: number;
  /** Headers on every call (the API key). */
  headers?: Record<string, string>;
  transport: Transport;
  /** Steps around every call, outermost first. @default none */
  steps?: readonly UpstreamStep[];
}

/** One upstream: every call goes through the same steps, bounds and error mapping. */
export interface Upstream {
  readonly name: string;
  /**
   * Sends `request` and hands the answer to `decode`, which turns it into a value (an expected
   * outcome too) or throws; a throw that is not an UpstreamError becomes `invalid-response`.
   */
  call<T>(
    request: UpstreamRequest,
    decode: (answer: UpstreamAnswer) => T,
    options?: CallOptions,
  ): Promise<T>;
}

/** The time bound of one attempt ran out before the whole answer had arrived. */
export class AttemptTimeoutError extends Error {
  override readonly name = 'AttemptTimeoutError';
}

/** A query string of parameters, a list as the parameter repeated. */
function queryOf(query: Record<string, string | readonly string[]>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query))
    if (typeof value === 'string') params.append(name, value);
    else for (const item of value) params.append(name, item);
  return `?${params.toString()}`;
}

/**
 * A `Retry-After` value (seconds, or an HTTP date) in ms from now, at most `maxMs`; undefined when
 * absent or unreadable.
 */
export function retryAfterMs(
  value: string | undefined,
  now: number,
  maxMs: number,
): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  const ms = /^\d{1,10}$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), maxMs) : undefined;
}

/** The longest `Retry-After` honoured: a hostile or broken upstream cannot silence itself for a day. */
export const MAX_RETRY_AFTER_MS = 300_000;

/** A caller's abort reason that means "out of time" (a part's budget, a deadline, AbortSignal.timeout). */
export const isTimeoutReason = (reason: unknown): boolean =>
  reason instanceof Error && reason.name.endsWith('TimeoutError');

function failureOf(
  upstream: string,
  error: unknown,
  bound: StopSignal,
  caller: StopSignal | undefined,
): UpstreamError {
  if (error instanceof AnswerTooLargeError)
    return new UpstreamError(upstream, 'invalid-response', { cause: error });
  if (caller?.aborted) {
    const reason: unknown = caller.reason;
    return new UpstreamError(upstream, isTimeoutReason(reason) ? 'timeout' : 'aborted', {
      cause: reason,
    });
  }
  if (bound.aborted) return new UpstreamError(upstream, 'timeout', { cause: bound.reason });
  return new UpstreamError(upstream, 'network', { cause: error });
}

type Runner = <T>(call: UpstreamCall, last: () => Promise<T>) => Promise<T>;

/** The steps composed once, outermost first. */
function compose(steps: readonly UpstreamStep[]): Runner {
  return steps.reduceRight<Runner>(
    (inner, step) => (call, last) => step(call, () => inner(call, last)),
    (_call, last) => last(),
  );
}

/**
 * The one path of every upstream call: the steps (breaker, bulkhead, retry, metrics, spans: added
 * by whoever builds the upstreams), then the attempt: the request sent with the upstream's
 * headers, the request id and the steps' headers, bounded in time (the whole answer, not only its
 * headers) and in size (read as it arrives, cut off past `maxBytes`), redirects never followed,
 * and the answer decoded. Errors carry the upstream's name and kind, never its URL or key.
 */
export function createUpstream(options: UpstreamOptions): Upstream {
  const { name, transport, timeoutMs } = options;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const maxBytes = options.maxBytes ?? 8_388_608;
  const defaults = options.headers ?? {};
  const run = compose(options.steps ?? []);
  // Each attempt's time bound, on top of the caller's signal.
  const attemptBound = {
    timeoutMs,
    timeoutReason: () => new AttemptTimeoutError(`no whole answer within ${String(timeoutMs)} ms`),
  };

  const attempt = async <T>(
    call: UpstreamCall,
    decode: (answer: UpstreamAnswer) => T,
  ): Promise<T> => {
    const { request, options: callOptions } = call;
    const caller = callOptions.signal;
    if (caller?.aborted) throw failureOf(name, caller.reason, caller, caller);
    const query = request.query ? queryOf(request.query) : '';
    const requestId = callOptions.scope?.requestId;
    const bound = createDeadline(caller, attemptBound);
    let answer: UpstreamAnswer;
    try {
      const incoming = await transport.send({
        url: `${baseUrl}${request.path}${query}`,
        method: request.method ?? 'GET',
        headers: {
          ...defaults,
          ...request.headers,
          ...call.headers,
          ...(requestId === undefined ? {} : { 'x-request-id': requestId }),
        },
        ...(request.body === undefined ? {} : { body: request.body }),
        signal: bound.signal,
        maxBytes,
      });
      answer = { upstream: name, ...incoming };
    } catch (error) {
      throw failureOf(name, error, bound.signal, caller);
    } finally {
      bound.stop();
    }
    // Too many calls: a failure of any upstream, whatever its decoder makes of the body; the
    // time it names holds its later calls (resilience.ts).
    if (answer.status === 429) {
      const after = retryAfterMs(answer.retryAfter, Date.now(), MAX_RETRY_AFTER_MS);
      throw new UpstreamError(name, 'http', {
        status: 429,
        ...(after === undefined ? {} : { retryAfterMs: after }),
      });
    }
    try {
      return decode(answer);
    } catch (error) {
      if (error instanceof UpstreamError) throw error;
      throw new UpstreamError(name, 'invalid-response', { status: answer.status, cause: error });
    }
  };

  return {
    name,
    call(request, decode, callOptions = {}) {
      const call: UpstreamCall = { upstream: name, request, options: callOptions, headers: {} };
      return run(call, () => attempt(call, decode));
    },
  };
}
