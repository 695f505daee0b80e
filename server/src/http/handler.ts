import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { incomingMessageToRequest, internal_exceptionHandler, type NodeHTTPRequestHandlerOptions } from '@trpc/server/adapters/node-http';
import { resolveResponse } from '@trpc/server/http';
import type { Logger } from '../kit/logger.js';
import { UpstreamError } from '../kit/upstream-error.js';
import type { AppRouter } from '../router.js';
import type { Context } from '../trpc.js';
import type { ResponseCache } from './response-cache.js';

export interface HandlerOptions {
  router: AppRouter;
  createContext: (requestId: string, authorization: string | undefined) => Context;
  log: Logger;
  maxBatchSize: number;
  maxBodyBytes: number;
  /** Whether the BFF is ready to serve (for /readyz). */
  ready: () => boolean;
  /** Keeps encoded public answers (when the cache is on). */
  responses?: ResponseCache;
}

const REQUEST_ID = /^[\w.-]{1,64}$/;

/**
 * A Cache-Control a CDN can act on: public with the shortest max-age when every call of the
 * request is a public query that declared one; private, no-store as soon as anything is private,
 * uncacheable, degraded or failed.
 */
export function cacheControlOf(ctx: Context | undefined, type: string, errorCount: number, callCount: number): string {
  const hints = ctx?.cacheHints ?? [];
  if (type !== 'query' || errorCount > 0 || callCount === 0 || hints.length !== callCount) return 'private, no-store';
  let maxAge = Infinity;
  for (const hint of hints) {
    if (hint === null || hint <= 0) return 'private, no-store';
    maxAge = Math.min(maxAge, hint);
  }
  return `public, max-age=${String(maxAge)}, s-maxage=${String(maxAge)}, stale-while-revalidate=${String(maxAge)}`;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

/** The node:http host: tRPC at /trpc, /healthz, /readyz; everything else 404. */
export function createHandler(options: HandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const header = req.headers['x-request-id'];
    const requestId = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
    res.setHeader('x-request-id', requestId);
    const url = req.url ?? '/';
    const path = url.split('?', 1)[0] ?? '/';

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

    if (options.responses?.serve(req, res)) return;
    let context: Context | undefined;
    options.responses?.capture(req, res, () => context?.cacheTags ?? []);

    const trpcOptions: NodeHTTPRequestHandlerOptions<AppRouter, IncomingMessage, ServerResponse> = {
      router: options.router,
      req,
      res,
      path: path.slice('/trpc/'.length),
      maxBatchSize: options.maxBatchSize,
      maxBodySize: options.maxBodyBytes,
      createContext: () => (context = options.createContext(requestId, req.headers.authorization)),
      responseMeta: ({ ctx, type, errors, info }) => ({ headers: { 'cache-control': cacheControlOf(ctx, type, errors.length, info?.calls.length ?? 0) } }),
      onError({ error, path: procedure }) {
        // Logged once, here, with the request id; what the client sees was shaped by the error formatter.
        if (['BAD_REQUEST', 'NOT_FOUND', 'UNAUTHORIZED', 'CONFLICT', 'CLIENT_CLOSED_REQUEST'].includes(error.code)) {
          options.log.debug('request refused', { requestId, procedure, code: error.code });
          return;
        }
        const cause = error.cause;
        options.log.warn('request failed', {
          requestId,
          procedure,
          code: error.code,
          ...(cause instanceof UpstreamError ? { upstream: cause.service, kind: cause.kind, status: cause.status, faultCode: cause.faultCode } : {}),
          ...(cause instanceof Error && !(cause instanceof UpstreamError) ? { cause: cause.message } : {}),
        });
      },
    };
    void answerTrpc(trpcOptions);
  };
}

/**
 * tRPC's node-http handling, with one difference: a whole answer is written at once, with its
 * content-length, instead of being piped through a WebStreams WritableStream chunk by chunk (the
 * adapter's way, which costs several promise hops per answer). Streamed answers (jsonl batches,
 * SSE: tRPC marks them chunked) are still written as they come. The request conversion, resolveResponse and the error fallback
 * are tRPC's own.
 */
async function answerTrpc(options: NodeHTTPRequestHandlerOptions<AppRouter, IncomingMessage, ServerResponse>): Promise<void> {
  const { req, res } = options;
  try {
    const request = incomingMessageToRequest(req, res, { maxBodySize: options.maxBodySize ?? null });
    const response = await resolveResponse({
      router: options.router,
      req: request,
      path: options.path,
      error: null,
      ...(options.maxBatchSize === undefined ? {} : { maxBatchSize: options.maxBatchSize }),
      ...(options.responseMeta ? { responseMeta: options.responseMeta } : {}),
      createContext: async ({ info }) => await options.createContext({ req, res, info }),
      onError: (error) => options.onError?.({ ...error, req }),
    });
    res.statusCode = response.status;
    response.headers.forEach((value, name) => {
      if (name !== 'set-cookie') res.setHeader(name, value);
    });
    const cookies = response.headers.getSetCookie();
    if (cookies.length > 0) res.setHeader('set-cookie', cookies);
    const body = response.body;
    if (!body) {
      res.end();
      return;
    }
    // tRPC marks a streamed answer (jsonl batches, SSE) chunked: that one goes out as it comes.
    if (!response.headers.has('transfer-encoding')) {
      const bytes = Buffer.from(await response.arrayBuffer());
      res.setHeader('content-length', bytes.length);
      res.end(bytes);
      return;
    }
    for await (const chunk of body) {
      if (res.destroyed) break;
      if (!res.write(chunk)) await new Promise<void>((resolve) => {
        const done = (): void => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.once('drain', done);
        res.once('close', done);
      });
    }
    res.end();
  } catch (cause) {
    internal_exceptionHandler(options)(cause);
  }
}