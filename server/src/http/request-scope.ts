import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  trace,
  TraceFlags,
  type Context as TraceContext,
} from '@opentelemetry/api';
import type { SignedInUser, TokenVerifier } from '../kit/auth.js';
import type { Logger } from '../kit/logger.js';
import { randomHex } from '../kit/telemetry/random-ids.js';
import type { RequestRecord } from '../kit/telemetry/request-record.js';
import type { RequestScope } from '../kit/upstream/upstream.js';
import type { Admission } from './admission.js';
import { causeOf } from './failures.js';

/** A caller's request id is kept when it is 1 to 128 of these; otherwise the BFF makes one. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's `X-Request-Id` when it is a sound one, else a new one. */
export function requestIdOf(req: IncomingMessage): string {
  const header = req.headers['x-request-id'];
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

/**
 * The caller's trace (W3C `traceparent`), or a new one: every request has a trace id, which the
 * upstreams receive, whether or not an OpenTelemetry SDK exports spans.
 */
export function traceContextOf(req: IncomingMessage): TraceContext {
  const extracted = propagation.extract(ROOT_CONTEXT, req.headers);
  const caller = trace.getSpanContext(extracted);
  if (caller && isSpanContextValid(caller)) return extracted;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: randomHex(16),
    spanId: randomHex(8),
    traceFlags: TraceFlags.SAMPLED,
  });
}

/** What both faces know of one request before it reaches a procedure. */
export interface ApiRequest {
  scope: RequestScope;
  /** The request's upstream calls, for `Server-Timing` and its log line. */
  record: RequestRecord;
  /** The signed-in user of the request's `Authorization` header, verified once when asked. */
  signIn: () => Promise<SignedInUser>;
  /** Who the request is for (the rate limits and the ERP's versions go by it), computed once. */
  caller: () => string | Promise<string>;
}

/** The scope of one API request: its id, trace, record of upstream calls, sign-in and caller. */
export function apiRequestOf(
  req: IncomingMessage,
  known: { requestId: string; trace: TraceContext; record: RequestRecord },
  parts: { verifyToken: TokenVerifier; admission: Admission; log: Logger },
): ApiRequest {
  const { requestId } = known;
  const authorization = req.headers.authorization;
  let verified: Promise<SignedInUser> | undefined;
  const signIn = (): Promise<SignedInUser> => (verified ??= parts.verifyToken(authorization));
  let client: string | Promise<string> | undefined;
  const caller = (): string | Promise<string> =>
    (client ??= parts.admission.clientOf(req, authorization === undefined ? undefined : signIn));
  const scope: RequestScope = {
    requestId,
    trace: known.trace,
    record: known.record,
    onPartFailed: (part, error) => {
      parts.log.warn('part degraded', { requestId, part, ...causeOf(error) });
    },
    caller,
  };
  return { scope, record: known.record, signIn, caller };
}
