import type { IncomingMessage, ServerResponse } from 'node:http';
import { trace, type Tracer } from '@opentelemetry/api';
import type { TokenVerifier } from '../kit/auth.js';
import type { Logger } from '../kit/logger.js';
import type { Metrics } from '../kit/telemetry/metrics.js';
import { newRequestRecord } from '../kit/telemetry/request-record.js';
import type { AppRouter } from '../router.js';
import type { CreateContext, ProcedureMeta } from '../trpc.js';
import type { Admission } from './admission.js';
import { negotiateEncoding } from './compression.js';
import { createGate } from './gate.js';
import { createProbes, PROBE_PATHS, sendJson } from './probes.js';
import { logWhenDone } from './request-log.js';
import { apiRequestOf, requestIdOf, traceContextOf } from './request-scope.js';
import type { ResponseCache } from './response-cache.js';
import { createRestFace } from './rest/face.js';
import { REST_PREFIX } from './rest/routes.js';
import { createTrpcFace, TRPC_PREFIX } from './trpc-face.js';

export interface HandlerOptions {
  router: AppRouter;
  /** The context of one request's procedures. */
  createContext: CreateContext;
  /** Verifies a request's `Authorization` header. */
  verifyToken: TokenVerifier;
  log: Logger;
  maxBatchSize: number;
  /** Whether plain queries over GET skip tRPC's adapter (trpc-query.ts). */
  singleQueries: boolean;
  maxBodyBytes: number;
  /** Whether the BFF is ready to serve (for /readyz). */
  ready: () => boolean;
  /** From the start of a shutdown: every answer closes its connection. */
  draining: () => boolean;
  /** Load shedding and rate limits. */
  admission: Admission;
  /** CORS headers; true when it answered a preflight itself. */
  cors: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Keeps encoded public answers (when the cache is on), for both faces. */
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
 * The node:http host: /healthz, /readyz, /metrics; tRPC at /trpc/ and the REST face at /api/v1/
 * (and its /openapi.json), both behind one gate and sharing the kept public answers; everything
 * else 404. Every request gets a request id and a trace; every API request one log line.
 */
export function createHandler(
  options: HandlerOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const { log, admission } = options;
  const { metrics } = options.telemetry;
  const metaOf = metaByPath(options.router);
  const gate = createGate({ admission, metrics, log, maxBodyBytes: options.maxBodyBytes });
  const probe = createProbes({ ready: options.ready, scrape: options.telemetry.scrape, log });
  const faceOptions = {
    router: options.router,
    createContext: options.createContext,
    metaOf,
    gate,
    responses: options.responses,
    answerVariant: options.answerVariant,
    metrics,
    log,
    maxBodyBytes: options.maxBodyBytes,
  };
  const trpc = createTrpcFace({
    ...faceOptions,
    maxBatchSize: options.maxBatchSize,
    singleQueries: options.singleQueries,
  });
  const rest = createRestFace(faceOptions);
  const requestParts = { verifyToken: options.verifyToken, admission, log };

  return (req, res) => {
    const started = performance.now();
    const requestId = requestIdOf(req);
    res.setHeader('x-request-id', requestId);
    // Browsers must take every answer as what its content type says.
    res.setHeader('x-content-type-options', 'nosniff');
    if (options.cors(req, res)) return;
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    if (PROBE_PATHS.has(path) && probe(path, res)) return;

    const record = newRequestRecord();
    const context = traceContextOf(req);
    const traceId = trace.getSpanContext(context)?.traceId;
    logWhenDone(log, req, res, { requestId, traceId, path, record, started });
    const encoding = negotiateEncoding(req.headers['accept-encoding']);
    if (path === '/openapi.json') {
      rest.document(res, encoding);
      return;
    }
    const isRest = path.startsWith(REST_PREFIX);
    if (!isRest && !path.startsWith(TRPC_PREFIX)) {
      sendJson(res, 404, { error: 'not_found' });
      return;
    }
    if (options.draining()) res.setHeader('connection', 'close');
    const api = apiRequestOf(req, { requestId, trace: context, record }, requestParts);
    const search = queryAt === -1 ? '' : url.slice(queryAt + 1);
    if (isRest) rest.serve(req, res, { path, search, encoding, api });
    else trpc(req, res, { path, search, encoding, api });
  };
}
