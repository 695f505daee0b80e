import type { IncomingMessage, ServerResponse } from 'node:http';
import { getErrorShape, getTRPCErrorFromUnknown, type TRPCError } from '@trpc/server';
import {
  badRequest,
  methodNotAllowed,
  noRoute,
  notJson,
  overloaded,
  rateLimited,
  tooLarge,
} from '../../errors.js';
import type { SignedInUser } from '../../kit/auth.js';
import type { Logger } from '../../kit/logger.js';
import type { Metrics } from '../../kit/telemetry/metrics.js';
import { serverTiming, type RequestRecord } from '../../kit/telemetry/request-record.js';
import type { RequestScope } from '../../kit/upstream/upstream.js';
import type { AppRouter } from '../../router.js';
import type { Context, CreateContext, ProcedureMeta } from '../../trpc.js';
import type { Admission } from '../admission.js';
import { PRIVATE, publicCacheControl } from '../cache-control.js';
import { logFailure } from '../failures.js';
import { openApiDocument } from './openapi.js';
import { pathMatcher, ROUTES, type Route } from './routes.js';
import { isNumeric, schemasOf, type ProcedureSchemas } from './schemas.js';

export interface RestFaceOptions {
  router: AppRouter;
  createContext: CreateContext;
  metaOf: (procedure: string) => ProcedureMeta | undefined;
  admission: Admission;
  metrics: Metrics;
  log: Logger;
  maxBodyBytes: number;
}

/** One request to the REST face, as the host has prepared it (request id, trace, sign-in). */
export interface RestRequest {
  /** The path, without the query string. */
  path: string;
  /** The query string, without its `?`. */
  search: string;
  scope: RequestScope;
  signIn: () => Promise<SignedInUser>;
  /** Who the request is for (admission's clientOf, computed once). */
  caller: () => string | Promise<string>;
}

export interface RestFace {
  /** `GET /openapi.json`. */
  document(res: ServerResponse): void;
  /** A request under `/api/`. */
  serve(req: IncomingMessage, res: ServerResponse, request: RestRequest): void;
}

/** A JSON body, whatever its parameters (`application/json; charset=utf-8`). */
const JSON_TYPE = /^application\/json\s*(;|$)/i;
const NUMBER = /^-?\d+(\.\d+)?$/;

interface CompiledRoute {
  route: Route;
  match: ReturnType<typeof pathMatcher>;
  schemas: ProcedureSchemas;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  text = JSON.stringify(body),
): void {
  // Headers set one by one, not with writeHead: an answer over 1 KiB may still be compressed at `end`.
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', PRIVATE);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(text);
}

/** Whether an answer names a degraded part: then it is never public. */
const isDegraded = (data: unknown): boolean =>
  typeof data === 'object' &&
  data !== null &&
  'degraded' in data &&
  Array.isArray(data.degraded) &&
  data.degraded.length > 0;

/** The request's body as a JSON object, read up to `maxBytes`. */
function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    const onData = (chunk: Buffer): void => {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        req.off('data', onData);
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('error', reject);
    req.once('end', () => {
      if (bytes > maxBytes) return;
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        reject(badRequest('The body is not valid JSON'));
        return;
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        reject(badRequest('The body must be a JSON object'));
        return;
      }
      resolve(body as Record<string, unknown>);
    });
  });
}

/**
 * A procedure's input from the path's parameters, the query string and the body. A query string
 * carries text: a field whose schema is a number takes a number written in it; an empty value is
 * no value. A field given twice is refused; anything the input does not know is left for the
 * procedure's strict schema to name.
 */
function inputOf(
  compiled: CompiledRoute,
  parameters: Record<string, string>,
  search: string,
  body: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const fields = new Map<string, unknown>();
  const { properties } = compiled.schemas.input;
  const put = (name: string, value: unknown): void => {
    if (fields.has(name)) throw badRequest(`Invalid input: '${name}' is given more than once.`);
    fields.set(name, value);
  };
  const text = (name: string, value: string): unknown =>
    isNumeric(properties[name]) && NUMBER.test(value) ? Number(value) : value;
  for (const [name, value] of Object.entries(parameters)) put(name, text(name, value));
  for (const [name, value] of new URLSearchParams(search)) {
    if (value !== '' || fields.has(name)) put(name, text(name, value));
  }
  for (const [name, value] of Object.entries(body ?? {})) put(name, value);
  // Object.fromEntries makes own properties, `__proto__` included: the schema refuses it by name.
  return Object.fromEntries(fields);
}

/**
 * The REST face of the procedures: a small route table whose routes call their procedure through
 * tRPC's `createCaller`, with the same admission (load shedding, rate limits), errors (the tRPC
 * error formatter's, as `{ "error": { code, appCode, message } }` at the same HTTP status), and
 * caching headers as the tRPC path.
 */
export function createRestFace(options: RestFaceOptions): RestFace {
  const { router, admission, metrics, log } = options;
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
    document(res) {
      document ??= JSON.stringify(openApiDocument(router));
      send(res, 200, undefined, { 'cache-control': publicCacheControl(300) }, document);
    },

    serve(req, res, request) {
      const method = req.method ?? 'GET';
      const allowed: string[] = [];
      let found: { compiled: CompiledRoute; parameters: Record<string, string> } | undefined;
      for (const candidate of compiled) {
        const parameters = candidate.match(request.path);
        if (parameters === undefined) continue;
        if (parameters === 'malformed') {
          fail(res, badRequest('The path is not valid percent-encoding'), undefined, undefined);
          return;
        }
        allowed.push(candidate.route.method);
        if (candidate.route.method === method) {
          found = { compiled: candidate, parameters };
          break;
        }
      }
      if (!found) {
        if (allowed.length > 0) res.setHeader('allow', allowed.join(', '));
        fail(
          res,
          allowed.length > 0 ? methodNotAllowed(method, allowed) : noRoute(method, request.path),
          undefined,
          undefined,
        );
        return;
      }
      const { route, schemas } = found.compiled;
      const { procedure } = route;
      const { parameters } = found;
      const requestId = request.scope.requestId;

      /** Refused before the procedure runs: counted here, as the tRPC path counts its refusals. */
      const refuse = (error: TRPCError): void => {
        metrics.calls.inc({ procedure, code: error.code });
        logFailure(log, requestId, procedure, error);
        fail(res, error, procedure, undefined);
      };

      const call = async (): Promise<void> => {
        let input: Record<string, unknown>;
        try {
          const body = route.body ? await readJsonBody(req, options.maxBodyBytes) : undefined;
          input = inputOf(found.compiled, parameters, request.search, body);
        } catch (error) {
          // Past a body's bound, the rest of it is not read: the connection closes after the answer.
          res.setHeader('connection', 'close');
          refuse(getTRPCErrorFromUnknown(error));
          return;
        }
        const fields = Object.keys(input);
        const takesInput = Object.keys(schemas.input.properties).length > 0;
        if (!takesInput && fields.length > 0) {
          refuse(
            badRequest(
              `Invalid input: ${fields.map((field) => `'${field}'`).join(', ')} ${fields.length === 1 ? 'is not a field' : 'are not fields'} of this input.`,
            ),
          );
          return;
        }
        const ctx = options.createContext(request.scope, request.signIn, false);
        const controller = new AbortController();
        res.once('close', () => {
          if (!res.writableFinished) controller.abort();
        });
        const caller = router.createCaller(ctx, { signal: controller.signal }) as unknown as Record<
          string,
          Record<string, ((input: unknown) => Promise<unknown>) | undefined> | undefined
        >;
        const [group = '', name = ''] = procedure.split('.');
        let data: unknown;
        try {
          const fn = caller[group]?.[name];
          if (!fn) throw new Error(`the router has no procedure ${procedure}`);
          data = await fn(takesInput ? input : undefined);
        } catch (error) {
          // Counted by the procedure's own middleware; logged once, here.
          const trpcError = getTRPCErrorFromUnknown(error);
          logFailure(log, requestId, procedure, trpcError);
          fail(res, trpcError, procedure, ctx, request.scope.record);
          return;
        }
        const maxAge = options.metaOf(procedure)?.publicMaxAgeSeconds;
        const isPublic =
          schemas.type === 'query' && maxAge !== undefined && maxAge > 0 && !isDegraded(data);
        send(res, 200, data, {
          'cache-control': isPublic ? publicCacheControl(maxAge) : PRIVATE,
          ...(request.scope.record ? { 'server-timing': serverTiming(request.scope.record) } : {}),
        });
      };

      // The same order as the tRPC path: shedding, what the body announces, then the rate limit.
      if (!admission.enter(res, 1)) {
        res.setHeader('retry-after', '1');
        refuse(overloaded());
        return;
      }
      if (route.body) {
        if (!JSON_TYPE.test(req.headers['content-type'] ?? '')) {
          refuse(notJson());
          return;
        }
        if (Number(req.headers['content-length'] ?? 0) > options.maxBodyBytes) {
          res.setHeader('connection', 'close');
          refuse(tooLarge(options.maxBodyBytes));
          return;
        }
      }
      admission
        .admit(1, request.caller)
        .then(
          (verdict) => {
            if (verdict.allowed) return call();
            res.setHeader('retry-after', String(verdict.retryAfterSeconds));
            res.setHeader('ratelimit-policy', admission.limiter.policy);
            res.setHeader('ratelimit', admission.limiter.field(verdict.retryAfterSeconds));
            metrics.rateLimited.inc();
            refuse(rateLimited(verdict.retryAfterSeconds));
            return undefined;
          },
          (error: unknown) => {
            log.warn('rate limit not checked', {
              requestId,
              cause: error instanceof Error ? error.message : 'unknown',
            });
            return call();
          },
        )
        .catch((error: unknown) => {
          // Nothing above throws past its own handling; should it, the client gets a 500, not silence.
          log.error('REST answer failed', {
            requestId,
            procedure,
            cause: error instanceof Error ? error.message : 'unknown',
          });
          if (!res.headersSent) fail(res, getTRPCErrorFromUnknown(error), procedure, undefined);
        });
    },
  };
}
