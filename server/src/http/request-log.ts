import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../kit/logger.js';
import type { RequestRecord } from '../kit/telemetry/request-record.js';

/** What the client got, as the log line says it (the answer may not be what `res` holds). */
function statusOf(req: IncomingMessage, res: ServerResponse): number {
  if (res.writableFinished || res.headersSent) return res.statusCode;
  const errored = req.socket.errored as (Error & { code?: string }) | null | undefined;
  // Node cut the request at REQUEST_TIMEOUT_MS and wrote its own 408 to the connection.
  if (errored?.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  // The client went away before any answer: nginx's (and tRPC's CLIENT_CLOSED_REQUEST) 499.
  return 499;
}

/**
 * One `request` line per request, whatever came of it (4xx included), once its connection is done
 * with it: method, path, status, duration, upstream calls, and `aborted` when the answer was not
 * sent whole (then its status is the one the client got: 408 when Node's request timeout cut it,
 * 499 when the client left first).
 */
export function logWhenDone(
  log: Logger,
  req: IncomingMessage,
  res: ServerResponse,
  line: {
    requestId: string;
    traceId: string | undefined;
    path: string;
    record: RequestRecord;
    /** `performance.now()` when the request arrived. */
    started: number;
  },
): void {
  res.once('close', () => {
    log.info('request', {
      requestId: line.requestId,
      traceId: line.traceId,
      method: req.method,
      path: line.path,
      status: statusOf(req, res),
      durationMs: Math.round((performance.now() - line.started) * 10) / 10,
      upstreamCalls: line.record.upstreamCalls,
      ...(res.writableFinished ? {} : { aborted: true }),
    });
  });
}
