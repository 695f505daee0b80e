/** What went wrong with an upstream call. */
export type UpstreamErrorKind =
  /** The upstream answered an unexpected HTTP status. */
  | 'http'
  /** No answer within the budget. */
  | 'timeout'
  /** Connection refused, reset or similar. */
  | 'network'
  /** The call worked, but the answer broke the contract (malformed, wrong shape). */
  | 'invalid-response'
  /** A SOAP fault. */
  | 'fault'
  /** Not sent: the upstream's circuit breaker is open, or its bulkhead is full. */
  | 'unavailable'
  /** The caller gave up for its own reason (its client went away, a sibling part failed): no verdict on the upstream. */
  | 'aborted';

/** Whether an error says something is wrong with the upstream (what a circuit breaker counts). */
export const isUpstreamFailure = (error: unknown): boolean =>
  error instanceof UpstreamError && error.kind !== 'aborted' && error.kind !== 'unavailable';

export interface UpstreamErrorOptions {
  status?: number;
  /** The upstream's own fault code (`PRODUCT_NOT_FOUND`, `Server`, …). */
  faultCode?: string;
  /** A SKU the fault names. */
  sku?: string;
  /** How long the upstream asked not to be called again (a 429's `Retry-After`). */
  retryAfterMs?: number;
  cause?: unknown;
}

/**
 * The one error of the upstream layer. Its message names the service and the kind only: never a
 * URL, key or body, so that nothing can leak even if it is logged or passed on by mistake.
 */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  readonly status: number | undefined;
  readonly faultCode: string | undefined;
  readonly sku: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    readonly service: string,
    readonly kind: UpstreamErrorKind,
    options: UpstreamErrorOptions = {},
  ) {
    super(
      `${service}: ${kind}${options.status === undefined ? '' : ` ${String(options.status)}`}${options.faultCode === undefined ? '' : ` ${options.faultCode}`}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.status = options.status;
    this.faultCode = options.faultCode;
    this.sku = options.sku;
    this.retryAfterMs = options.retryAfterMs;
  }
}
