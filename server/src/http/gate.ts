import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ApiError, notJson, overloaded, rateLimited, tooLarge } from '../errors.js';
import type { Logger } from '../kit/logger.js';
import type { Metrics } from '../kit/telemetry/metrics.js';
import type { Admission } from './admission.js';

export interface GateOptions {
  admission: Admission;
  metrics: Metrics;
  log: Logger;
  /** Bodies announced larger are refused before anything reads them. */
  maxBodyBytes: number;
}

/** One request at the gate, as a face describes it. */
export interface GateEntry {
  requestId: string;
  /** The procedure calls it makes (a tRPC batch counts each; a REST request is one). */
  calls: number;
  /** Whether it carries a JSON body (tRPC's POST, a REST route with a body). */
  hasBody: boolean;
  /** Who the request is for (admission's clientOf, computed once per request). */
  caller: () => string | Promise<string>;
  /** A face's own refusal, checked after the body's and before the rate limit (tRPC's batch size). */
  refusal?: () => ApiError | undefined;
}

/**
 * The edge both faces pass, in one order: the BFF's own load shedding (costs nothing), the media
 * type and announced size of a body, a face's own check, then the client's rate limit. A refusal
 * sets the headers it needs (`Retry-After`, the rate-limit fields, `Connection: close` for a body
 * left unread) and is handed to `then`, which answers it in its face's shape; an admitted request
 * gets `then()`.
 */
export type Gate = (
  req: IncomingMessage,
  res: ServerResponse,
  entry: GateEntry,
  then: (refusal?: ApiError) => void,
) => void;

/** A JSON body, whatever its parameters (`application/json; charset=utf-8`). */
const JSON_TYPE = /^application\/json\s*(;|$)/i;

export function createGate(options: GateOptions): Gate {
  const { admission, metrics, log, maxBodyBytes } = options;
  const { limiter } = admission;
  return (req, res, entry, then) => {
    if (!admission.enter(res, entry.calls)) {
      res.setHeader('retry-after', '1');
      then(overloaded());
      return;
    }
    if (entry.hasBody && !JSON_TYPE.test(req.headers['content-type'] ?? '')) {
      then(notJson());
      return;
    }
    // A body announced too large is refused unread (one sent without a length is cut off at the
    // same bound as it is read): the connection closes after the answer.
    if (Number(req.headers['content-length'] ?? 0) > maxBodyBytes) {
      res.setHeader('connection', 'close');
      then(tooLarge(maxBodyBytes));
      return;
    }
    const refusal = entry.refusal?.();
    if (refusal) {
      then(refusal);
      return;
    }
    admission
      .admit(entry.calls, entry.caller)
      .then(
        (verdict) => {
          if (verdict.allowed) {
            then();
            return;
          }
          res.setHeader('retry-after', String(verdict.retryAfterSeconds));
          res.setHeader('ratelimit-policy', limiter.policy);
          res.setHeader('ratelimit', limiter.field(verdict.retryAfterSeconds));
          metrics.rateLimited.inc();
          then(rateLimited(verdict.retryAfterSeconds));
        },
        (error: unknown) => {
          // The limiter itself failed (it never should: Redis has an in-memory stand-in): let it in.
          log.warn('rate limit not checked', {
            requestId: entry.requestId,
            cause: error instanceof Error ? error.message : 'unknown',
          });
          then();
        },
      )
      .catch((error: unknown) => {
        // A face's answer threw past its own handling: log it, and never leave the client waiting.
        log.error('answer failed', {
          requestId: entry.requestId,
          cause: error instanceof Error ? error.message : 'unknown',
        });
        if (res.headersSent) res.destroy();
        else {
          res.statusCode = 500;
          res.end();
        }
      });
  };
}
