import type { IncomingMessage, ServerResponse } from 'node:http';
import { getErrorShape, getTRPCErrorFromUnknown, type TRPCError } from '@trpc/server';
import { badRequest, methodNotAllowed, noRoute, notFields } from '../../errors.js';
import { serverTiming, type RequestRecord } from '../../kit/telemetry/request-record.js';
import type { Context } from '../../trpc.js';
import { PRIVATE, publicCacheControl, publicCallOf } from '../cache-control.js';
import { compressWhenEnded, type ContentEncoding } from '../compression.js';
import { logFailure } from '../failures.js';
import type { FaceOptions, FaceRequest } from '../face-options.js';
import { keyForCaller } from '../response-cache.js';
import { inputOf, readJsonBody } from './input.js';
import { openApiDocument } from './openapi.js';
import { pathMatcher, ROUTES, type Route } from './routes.js';
import { schemasOf, type ProcedureSchemas } from './schemas.js';

export type RestFaceOptions = FaceOptions;

/** One request under /api/. */
export type RestRequest = FaceRequest;

export interface RestFace {
  /** `GET /openapi.json` (compressed with `encoding` when given). */
  document(res: ServerResponse, encoding?: ContentEncoding): void;
  /** A request under `/api/`. */
  serve(req: IncomingMessage, res: ServerResponse, request: RestRequest): void;
}

interface CompiledRoute {
  route: Route;
  match: ReturnType<typeof pathMatcher>;
  schemas: ProcedureSchemas;
}

type Caller = Record<
  string,
  Record<string, ((input: unknown) => Promise<unknown>) | undefined> | undefined
>;

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  text: string | Buffer = JSON.stringify(body),
): void {
  // Headers set one by one, not with writeHead: an answer over 1 KiB may still be compressed at `end`.
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', PRIVATE);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(text);
}

/** The route `path` and `method` name, or why there is none. */
function routeOf(
  compiled: readonly CompiledRoute[],
  method: string,
  path: string,
):
  | { found: CompiledRoute; parameters: Record<string, string> }
  | { refusal: TRPCError; allowed?: string[] } {
  const allowed: string[] = [];
  for (const candidate of compiled) {
    const parameters = candidate.match(path);
    if (parameters === undefined) continue;
    if (parameters === 'malformed')
      return { refusal: badRequest('The path is not valid percent-encoding') };
    allowed.push(candidate.route.method);
    if (candidate.route.method === method) return { found: candidate, parameters };
  }
  return allowed.length > 0
    ? { refusal: methodNotAllowed(method, allowed), allowed }
    : { refusal: noRoute(method, path) };
}

/**
 * The REST face of the procedures: a small route table whose routes call their procedure through
 * tRPC's `createCaller`, behind the same gate as the tRPC face (load shedding, body checks, rate
 * limits), with its errors (the tRPC error formatter's, as `{ "error": { code, appCode, message } }`
 * at the same HTTP status), caching headers and kept public answers (one entry per procedure and
 * input, whichever face asked).
 */
export function createRestFace(options: RestFaceOptions): RestFace {
  const { router, gate, responses, answerVariant, metrics, log } = options;
  const compiled: CompiledRoute[] = ROUTES.map((route) => ({
    route,
    match: pathMatcher(route.path),
    schemas: schemasOf(router, route.procedure),
  }));
  let document: string | undefined;

  /** An error as the REST face answers it: the tRPC error formatter's shape, flattened. */
  const fail = (
    res: ServerResponse,
    error: TRPCError,
    procedure: string | undefined,
    ctx: Context | undefined,
    record?: RequestRecord,
  ): void => {
    const shape = getErrorShape({
      config: router._def._config,
      error,
      type: 'unknown',
      path: procedure,
      input: undefined,
      ctx,
    });
    const { code, httpStatus, path: _, ...data } = shape.data;
    send(
      res,
      httpStatus,
      { error: { code, ...data, message: shape.message } },
      record ? { 'server-timing': serverTiming(record) } : {},
    );
  };

  return {
    document(res, encoding) {
      compressWhenEnded(res, encoding);
      document ??= JSON.stringify(openApiDocument(router));
      send(res, 200, undefined, { 'cache-control': publicCacheControl(300) }, document);
    },

    serve(req, res, request) {
      compressWhenEnded(res, request.encoding);
      const method = req.method ?? 'GET';
      const routed = routeOf(compiled, method, request.path);
      if ('refusal' in routed) {
        if (routed.allowed) res.setHeader('allow', routed.allowed.join(', '));
        fail(res, routed.refusal, undefined, undefined);
        return;
      }
      const { route, schemas } = routed.found;
      const { procedure } = route;
      const { scope, record, signIn, caller } = request.api;
      const takesInput = Object.keys(schemas.input.properties).length > 0;
      const meta = options.metaOf(procedure);
      // A public query's answer may be kept and served from the kept answers.
      const keepable =
        responses !== undefined &&
        method === 'GET' &&
        schemas.type === 'query' &&
        (meta?.publicMaxAgeSeconds ?? 0) > 0;

      /** Refused before the procedure runs: counted here, as the tRPC face counts its refusals. */
      const refuse = (error: TRPCError): void => {
        metrics.calls.inc({ procedure, code: error.code });
        logFailure(log, scope.requestId, procedure, error);
        fail(res, error, procedure, undefined);
      };

      /** Runs the procedure and answers; keeps a public answer under `key`. */
      const run = async (
        input: Record<string, unknown>,
        key: string | undefined,
      ): Promise<void> => {
        const ctx = options.createContext(scope, signIn, false);
        const controller = new AbortController();
        res.once('close', () => {
          if (!res.writableFinished) controller.abort();
        });
        const [group = '', name = ''] = procedure.split('.');
        let data: unknown;
        try {
          const fn = (router.createCaller(ctx, { signal: controller.signal }) as unknown as Caller)[
            group
          ]?.[name];
          if (!fn) throw new Error(`the router has no procedure ${procedure}`);
          data = await fn(takesInput ? input : undefined);
        } catch (error) {
          // Counted by the procedure's own middleware; logged once, here.
          const trpcError = getTRPCErrorFromUnknown(error);
          logFailure(log, scope.requestId, procedure, trpcError);
          fail(res, trpcError, procedure, ctx, record);
          return;
        }
        const answer = publicCallOf(meta, { type: schemas.type, input, data });
        const timing = { 'server-timing': serverTiming(record) };
        if (!answer) {
          send(res, 200, data, timing);
          return;
        }
        const kept = key === undefined ? undefined : responses?.keepData(key, data, answer);
        send(
          res,
          200,
          data,
          { 'cache-control': publicCacheControl(answer.maxAgeSeconds), ...timing },
          kept,
        );
      };

      const call = async (): Promise<void> => {
        let input: Record<string, unknown>;
        try {
          const body = route.body ? await readJsonBody(req, options.maxBodyBytes) : undefined;
          input = inputOf(schemas, routed.parameters, request.search, body);
        } catch (error) {
          // Past a body's bound, the rest of it is not read: the connection closes after the answer.
          res.setHeader('connection', 'close');
          refuse(getTRPCErrorFromUnknown(error));
          return;
        }
        const fields = Object.keys(input);
        if (!takesInput && fields.length > 0) {
          refuse(badRequest(`Invalid input: ${notFields(fields)}.`));
          return;
        }
        if (!keepable) return run(input, undefined);
        const callKey = responses.keyOfCall(procedure, takesInput ? input : undefined);
        return new Promise<void>((resolve, reject) => {
          keyForCaller(callKey, answerVariant, caller, (key) => {
            if (responses.serve(key, res, 'rest', request.encoding)) resolve();
            else run(input, key).then(resolve, reject);
          });
        });
      };

      gate(
        req,
        res,
        { requestId: scope.requestId, calls: 1, hasBody: route.body !== undefined, caller },
        (refusal) => {
          if (refusal) {
            refuse(refusal);
            return;
          }
          call().catch((error: unknown) => {
            // Nothing above throws past its own handling; should it, the client gets a 500, not silence.
            log.error('REST answer failed', {
              requestId: scope.requestId,
              procedure,
              cause: error instanceof Error ? error.message : 'unknown',
            });
            if (!res.headersSent) fail(res, getTRPCErrorFromUnknown(error), procedure, undefined);
          });
        },
      );
    },
  };
}
