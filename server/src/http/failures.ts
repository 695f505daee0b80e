import type { TRPCError } from '@trpc/server';
import { ApiError } from '../errors.js';
import type { Logger } from '../kit/logger.js';
import { UpstreamError } from '../kit/upstream/upstream-error.js';

/** Refusals a client caused: logged at debug, not as failures. */
const REFUSALS = new Set([
  'BAD_REQUEST',
  'NOT_FOUND',
  'UNAUTHORIZED',
  'CONFLICT',
  'CLIENT_CLOSED_REQUEST',
  'TOO_MANY_REQUESTS',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'METHOD_NOT_SUPPORTED',
]);

/** What a failed part's log line says of its cause: the upstream and kind, or a message. */
export function causeOf(error: unknown): Record<string, unknown> {
  if (error instanceof UpstreamError)
    return {
      upstream: error.service,
      kind: error.kind,
      status: error.status,
      faultCode: error.faultCode,
    };
  return { cause: error instanceof Error ? error.message : 'unknown' };
}

/** Logged once, here, with the request id; what the client sees was shaped by the error formatter. */
export function logFailure(
  log: Logger,
  requestId: string,
  procedure: string | undefined,
  error: TRPCError,
): void {
  // Shedding load is the BFF protecting itself: a line per refused call would add to the load.
  if (REFUSALS.has(error.code) || (error instanceof ApiError && error.appCode === 'OVERLOADED')) {
    log.debug('request refused', { requestId, procedure, code: error.code });
    return;
  }
  const cause = error.cause;
  log.warn('request failed', {
    requestId,
    procedure,
    code: error.code,
    ...(cause instanceof UpstreamError
      ? {
          upstream: cause.service,
          kind: cause.kind,
          status: cause.status,
          faultCode: cause.faultCode,
        }
      : {}),
    ...(cause instanceof Error && !(cause instanceof UpstreamError)
      ? { cause: cause.message }
      : {}),
  });
}
