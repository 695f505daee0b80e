import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  trace,
  TraceFlags,
  type Context as TraceContext,
  type Tracer,
} from '@opentelemetry/api';
import { nodeHTTPRequestHandler } from '@trpc/server/adapters/node-http';
import type { SignedInUser, TokenVerifier } from '../kit/auth.js';
import type { Logger } from '../kit/logger.js';
import type { Metrics } from '../kit/telemetry/metrics.js';
import { randomHex } from '../kit/telemetry/random-ids.js';
import { newRequestRecord, serverTiming } from '../kit/telemetry/request-record.js';
import type { RequestScope } from '../kit/upstream/upstream.js';
import {
  type ApiError,
  batchTooLarge,
  notJson,
  overloaded,
  rateLimited,
  tooLarge,
} from '../errors.js';
import type { AppRouter } from '../router.js';
import type { CreateContext, ProcedureMeta } from '../trpc.js';
import { PRIVATE, publicAnswerOf, publicCacheControl } from './cache-control.js';
import type { Admission } from './admission.js';
import { compressWhenEnded, negotiateEncoding } from './compression.js';
import { causeOf, logFailure } from './failures.js';
import { createRestFace } from './rest/face.js';
import { REST_PREFIX } from './rest/routes.js';
import type { ResponseCache } from './response-cache.js';

export interface HandlerOptions {
  router: AppRouter;
  /** The context of one request's procedures. */
  createContext: CreateContext;
  /** Verifies a request's `Authorization` header. */
  verifyToken: TokenVerifier;
  log: Logger;
  maxBatchSize: number;
  maxBodyBytes: number;
  /** Whether the BFF is ready to serve (for /readyz). */
  ready: () => boolean;
  /** From the start of a shutdown: every answer closes its connection. */
  draining: () => boolean;
  /** Load shedding and rate limits. */
  admission: Admission;
  /** CORS headers; true when it answered a preflight itself. */
  cors: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Keeps encoded public answers (when the cache is on). */
  responses?: ResponseCache | undefined;
  /**
   * What a public answer depends on besides its procedure and input, by caller (the rate
   * limiter's key): the ERP version it is served from while callers are split between two.
   * Kept answers are kept per variant. @default none
   */
  answerVariant?: ((caller: string) => string) | undefined;
  /** Metrics, the tracer, and the scrape `/metrics` answers. */
  telemetry: {
    metrics: Metrics;
    tracer: Tracer;
    scrape: () => Promise<{ contentType: string; text: string }>;
  };
}

/** A caller's request id is kept when it is 1 to 128 of these; otherwise the BFF makes one. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Paths for probes and scrapers: no log line each. */
const QUIET = new Set(['/healthz', '/readyz', '/metrics']);
/** A JSON body, whatever its parameters (`application/json; charset=utf-8`). */
const JSON_TYPE = /^application\/json\s*(;|$)/i;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/**
 * The caller's trace (W3C `traceparent`), or a new one: every request has a trace id, which the
 * upstreams receive, whether or not an OpenTelemetry SDK exports spans.
 */
function traceContextOf(req: IncomingMessage): TraceContext {
  const extracted = propagation.extract(ROOT_CONTEXT, req.headers);
  const caller = trace.getSpanContext(extracted);
  if (caller && isSpanContextValid(caller)) return extracted;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: randomHex(16),
    spanId: randomHex(8),
    traceFlags: TraceFlags.SAMPLED,
  });
}

/** Each procedure's meta by path, read once from the router. */
function metaByPath(router: AppRouter): (path: string) => ProcedureMeta | undefined {
  const metas = new Map<string, ProcedureMeta>();
  for (const [path, procedure] of Object.entries(router._def.procedures)) {
    const meta = (procedure as { meta?: ProcedureMeta }).meta;
    if (meta) metas.set(path, meta);
  }
  return (path) => metas.get(path);
}

/**
 * The node:http host: tRPC at /trpc through its Node adapter, the REST face at /api/v1/ (and its
 * /openapi.json), /healthz, /readyz, /metrics; everything else 404. Before tRPC, a public query's kept answer is written when there is one; tRPC's
 * `responseMeta` decides the cache headers from the procedures' meta and keeps a public answer.
 */
export function createHandler(
  options: HandlerOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const metaOf = metaByPath(options.router);
  const known = new Set(Object.keys(options.router._def.procedures));
  const { responses, log, admission, answerVariant } = options;

  const { metrics } = options.telemetry;
  const rest = createRestFace({
    router: options.router,
    createContext: options.createContext,
    metaOf,
    admission,
    metrics,
    log,
    maxBodyBytes: options.maxBodyBytes,
  });

  return (req, res) => {
    const started = performance.now();
    const header = req.headers['x-request-id'];
    const requestId = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
    res.setHeader('x-request-id', requestId);
    // Browsers must take every answer as what its content type says.
    res.setHeader('x-content-type-options', 'nosniff');
    if (options.cors(req, res)) return;
    const encoding = negotiateEncoding(req.headers['accept-encoding']);
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);

    if (path === '/healthz') {
      sendJson(res, 200, { status: 'ok' });
      return;
    }
    if (path === '/readyz') {
      if (options.ready()) sendJson(res, 200, { status: 'ready' });
      else sendJson(res, 503, { status: 'unavailable' });
      return;
    }
    if (path === '/metrics') {
      void options.telemetry.scrape().then(({ contentType, text }) => {
        res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
        res.end(text);
      });
      return;
    }

    const record = newRequestRecord();
    const context = traceContextOf(req);
    // One line per request, whatever came of it (4xx included), once its answer is done.
    if (!QUIET.has(path))
      res.on('close', () => {
        log.info('request', {
          requestId,
          traceId: trace.getSpanContext(context)?.traceId,
          method: req.method,
          path,
          status: res.statusCode,
          durationMs: Math.round((performance.now() - started) * 10) / 10,
          upstreamCalls: record.upstreamCalls,
          ...(res.writableFinished ? {} : { aborted: true }),
        });
      });
    if (path === '/openapi.json') {
      compressWhenEnded(res, encoding);
      rest.document(res);
      return;
    }
    const isRest = path.startsWith(REST_PREFIX);
    if (!isRest && !path.startsWith('/trpc/')) {
      sendJson(res, 404, { error: 'not_found' });
      return;
    }

    const authorization = req.headers.authorization;
    let verified: Promise<SignedInUser> | undefined;
    const signIn = (): Promise<SignedInUser> => (verified ??= options.verifyToken(authorization));
    // Who the request is for, once: the rate limits and the ERP's versions go by it.
    let client: string | Promise<string> | undefined;
    const caller = (): string | Promise<string> =>
      (client ??= admission.clientOf(req, authorization === undefined ? undefined : signIn));
    const scope: RequestScope = {
      requestId,
      trace: context,
      record,
      onPartFailed: (part, error) => {
        log.warn('part degraded', { requestId, part, ...causeOf(error) });
      },
      caller,
    };
    if (options.draining()) res.setHeader('connection', 'close');
    if (isRest) {
      compressWhenEnded(res, encoding);
      const search = queryAt === -1 ? '' : url.slice(queryAt + 1);
      rest.serve(req, res, { path, search, scope, signIn, caller });
      return;
    }

    const procedures = path.slice('/trpc/'.length);
    const streaming = req.headers['trpc-accept'] === 'application/jsonl';
    // A batch counts each of its calls.
    const calls = procedures.split(',').length;
    const answerKey = responses?.keyOf(
      req,
      procedures,
      queryAt === -1 ? '' : url.slice(queryAt + 1),
    );
    // With variants, an answer is kept (and served) only once its caller's variant is known.
    let keptKey = answerVariant ? undefined : answerKey;

    /** tRPC through its Node adapter; a refusal is thrown by createContext, so tRPC shapes it. */
    const trpc = (refusal?: ApiError): void => {
      // A streamed answer's parts leave as they are ready: it is sent as it is. (A kept answer is
      // written whole, compressed already: it needs none of this.)
      if (!streaming) compressWhenEnded(res, encoding);
      // A refused request never reaches a procedure: its calls are counted here.
      if (refusal)
        for (const procedure of procedures.split(','))
          metrics.calls.inc({
            procedure: metaOf(procedure) || known.has(procedure) ? procedure : 'unknown',
            code: refusal.code,
          });
      void nodeHTTPRequestHandler({
        router: options.router,
        req,
        res,
        path: procedures,
        // A refusal is the answer, whatever the batch holds (a batch over the limit is refused above).
        ...(refusal ? {} : { maxBatchSize: options.maxBatchSize }),
        maxBodySize: options.maxBodyBytes,
        createContext: () => {
          if (refusal) throw refusal;
          return options.createContext(scope, signIn, streaming);
        },
        responseMeta({ type, errors, info, data, eagerGeneration }) {
          // A streamed answer's headers leave before its work is done: no Server-Timing on it.
          const timing = eagerGeneration ? {} : { 'server-timing': serverTiming(record) };
          // A streamed answer is private: its headers leave before anyone knows what it will hold.
          const answer =
            refusal || eagerGeneration
              ? undefined
              : publicAnswerOf(metaOf, { type, errors, info, data });
          if (!answer) return { headers: { 'cache-control': PRIVATE, ...timing } };
          if (keptKey !== undefined)
            responses?.keep(keptKey, { results: data, batch: info?.isBatchCall ?? false }, answer);
          return {
            headers: { 'cache-control': publicCacheControl(answer.maxAgeSeconds), ...timing },
          };
        },
        onError: ({ error, path: procedure }) => {
          logFailure(log, requestId, procedure, error);
        },
      });
    };

    // The BFF's own protection first: shedding costs nothing, then the client's rate limit.
    if (!admission.enter(res, calls)) {
      res.setHeader('retry-after', '1');
      trpc(overloaded());
      return;
    }
    if (req.method === 'POST' && !JSON_TYPE.test(req.headers['content-type'] ?? '')) {
      trpc(notJson());
      return;
    }
    // A body announced too large is refused before anything reads it; one sent without a length
    // is cut off by tRPC at the same bound as it is read.
    if (Number(req.headers['content-length'] ?? 0) > options.maxBodyBytes) {
      trpc(tooLarge(options.maxBodyBytes));
      return;
    }
    if (
      calls > options.maxBatchSize &&
      new URLSearchParams(queryAt === -1 ? '' : url.slice(queryAt + 1)).get('batch') === '1'
    ) {
      trpc(batchTooLarge(calls, options.maxBatchSize));
      return;
    }
    /** The kept answer of `key` if there is one, else tRPC (which keeps its answer under `key`). */
    const answer = (key: string | undefined): void => {
      keptKey = key;
      if (key !== undefined && responses?.serve(key, res, encoding)) return;
      trpc();
    };
    admission.admit(calls, caller).then(
      (verdict) => {
        if (!verdict.allowed) {
          res.setHeader('retry-after', String(verdict.retryAfterSeconds));
          res.setHeader('ratelimit-policy', admission.limiter.policy);
          res.setHeader('ratelimit', admission.limiter.field(verdict.retryAfterSeconds));
          metrics.rateLimited.inc();
          trpc(rateLimited(verdict.retryAfterSeconds));
          return;
        }
        if (answerKey === undefined || !answerVariant) {
          answer(answerKey);
          return;
        }
        const key = caller();
        if (typeof key === 'string') answer(`${answerKey}\n${answerVariant(key)}`);
        else
          void key.then((known) => {
            answer(`${answerKey}\n${answerVariant(known)}`);
          });
      },
      (error: unknown) => {
        // The limiter itself failed (it never should: Redis has an in-memory stand-in): let the call in.
        log.warn('rate limit not checked', {
          requestId,
          cause: error instanceof Error ? error.message : 'unknown',
        });
        trpc();
      },
    );
  };
}
