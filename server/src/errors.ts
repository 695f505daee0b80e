import type { AppErrorCode } from '@storefront/shared';
import { TRPCError } from '@trpc/server';
import { AggregateAbortedError, PartTimeoutError } from './kit/aggregate.js';
import { AuthError } from './kit/auth.js';
import { UpstreamError } from './kit/upstream-error.js';

type Code = TRPCError['code'];

/** A TRPCError with API.md's `appCode` (and, for CONFLICT at orders.place, the SKU). */
export class ApiError extends TRPCError {
  readonly appCode: AppErrorCode | null;
  readonly sku: string | undefined;

  constructor(options: { code: Code; message: string; appCode?: AppErrorCode | null; sku?: string; cause?: unknown }) {
    super({ code: options.code, message: options.message, ...(options.cause === undefined ? {} : { cause: options.cause }) });
    this.appCode = options.appCode ?? null;
    this.sku = options.sku;
  }
}

const unavailable = (code: Code, message: string, cause: unknown): ApiError => new ApiError({ code, message, appCode: 'UPSTREAM_UNAVAILABLE', cause });

/**
 * The one mapping from what went wrong to what a client sees (API.md's error table). Messages are
 * ours: an upstream's URL, key, body or stack never reaches a client.
 */
export function toApiError(error: unknown): TRPCError {
  const cause = error instanceof TRPCError && !(error instanceof ApiError) && error.code === 'INTERNAL_SERVER_ERROR' && error.cause ? error.cause : error;
  if (cause instanceof TRPCError) return cause;
  if (cause instanceof AuthError) {
    if (cause.reason === 'keys-timeout') return unavailable('GATEWAY_TIMEOUT', 'The sign-in could not be checked in time', cause);
    if (cause.reason === 'keys-unavailable') return unavailable('BAD_GATEWAY', 'The sign-in could not be checked', cause);
    return new ApiError({ code: 'UNAUTHORIZED', message: 'Sign in with a valid token', cause });
  }
  if (cause instanceof PartTimeoutError) return unavailable('GATEWAY_TIMEOUT', 'An upstream service did not answer in time', cause);
  if (cause instanceof AggregateAbortedError) return new ApiError({ code: 'CLIENT_CLOSED_REQUEST', message: 'The client went away', cause });
  if (cause instanceof UpstreamError) {
    if (cause.kind === 'timeout') return unavailable('GATEWAY_TIMEOUT', 'An upstream service did not answer in time', cause);
    return unavailable('BAD_GATEWAY', 'An upstream service failed', cause);
  }
  return new ApiError({ code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error', cause });
}
