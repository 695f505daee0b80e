import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { nodeHTTPRequestHandler } from '@trpc/server/adapters/node-http';
import type { Logger } from '../kit/logger.js';
import type { RequestScope } from '../kit/upstream/upstream.js';
import { UpstreamError } from '../kit/upstream/upstream-error.js';
import type { AppRouter } from '../router.js';
import type { Context, ProcedureMeta } from '../trpc.js';
import { PRIVATE, publicAnswerOf, publicCacheControl } from './cache-control.js';
import type { ResponseCache } from './response-cache.js';

export interface HandlerOptions {
  router: AppRouter;
  /** The context of one request's procedures. */
  createContext: (scope: RequestScope, authorization: string | undefined) => Context;
  log: Logger;
  maxBatchSize: number;
  maxBodyBytes: number;
  /** Whether the BFF is ready to serve (for /readyz). */
  ready: () => boolean;
  /** Keeps encoded public answers (when the cache is on). */
  responses?: ResponseCache | undefined;
}

const REQUEST_ID = /^[\w.-]{1,64}$/;
/** Refusals a client caused: logged at debug, not as failures. */
const REFUSALS = new Set([
  'BAD_REQUEST',
  'NOT_FOUND',
  'UNAUTHORIZED',
  'CONFLICT',
  'CLIENT_CLOSED_REQUEST',
]);

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
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
 * The node:http host: tRPC at /trpc through its Node adapter, /healthz, /readyz; everything else
 * 404. Before tRPC, a public query's kept answer is written when there is one; tRPC's
 * `responseMeta` decides the cache headers from the procedures' meta and keeps a public answer.
 */
export function createHandler(
  options: HandlerOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const metaOf = metaByPath(options.router);
  const { responses, log } = options;

  return (req, res) => {
    const header = req.headers['x-request-id'];
    const requestId = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
    res.setHeader('x-request-id', requestId);
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
    if (!path.startsWith('/trpc/')) {
      sendJson(res, 404, { error: 'not_found' });
      return;
    }

    const procedures = path.slice('/trpc/'.length);
    const keptKey = responses?.keyOf(req, procedures, queryAt === -1 ? '' : url.slice(queryAt + 1));
    if (keptKey !== undefined && responses?.serve(keptKey, res)) return;

    const scope: RequestScope = { requestId };
    void nodeHTTPRequestHandler({
      router: options.router,
      req,
      res,
      path: procedures,
      maxBatchSize: options.maxBatchSize,
      maxBodySize: options.maxBodyBytes,
      createContext: () => options.createContext(scope, req.headers.authorization),
      responseMeta({ type, errors, info, data }) {
        const answer = publicAnswerOf(metaOf, { type, errors, info, data });
        if (!answer) return { headers: { 'cache-control': PRIVATE } };
        if (keptKey !== undefined)
          responses?.keep(keptKey, { results: data, batch: info?.isBatchCall ?? false }, answer);
        return { headers: { 'cache-control': publicCacheControl(answer.maxAgeSeconds) } };
      },
      onError({ error, path: procedure }) {
        // Logged once, here, with the request id; what the client sees was shaped by the error formatter.
        if (REFUSALS.has(error.code)) {
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
      },
    });
  };
}
