import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { initTRPC, type TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { z } from 'zod';
import type { Config } from './config.js';
import { ApiError, describeInputError, tooLarge, toApiError } from './errors.js';
import type { SignedInUser } from './kit/auth.js';
import type { KeptValues } from './kit/kept-values.js';
import type { Locks } from './kit/locks.js';
import type { Logger } from './kit/logger.js';
import type { Metrics } from './kit/telemetry/metrics.js';
import { serverTiming } from './kit/telemetry/request-record.js';
import type { RequestScope } from './kit/upstream/upstream.js';
import type { OrderConfirmation } from './upstreams/erp/records.js';
import type { Upstreams } from './upstreams/index.js';

/** What every procedure gets: the request's scope, the upstream clients and the settings it needs. */
export interface Context {
  /** The request: its id, carried to every upstream call it makes. */
  scope: RequestScope;
  /**
   * @internal The request's `Authorization` header, verified once per request (the host may have
   * verified it already to rate-limit by user): the signed-in user, or why there is none.
   */
  signIn: () => Promise<SignedInUser>;
  /**
   * @internal The answer is streamed (`trpc-accept: application/jsonl`): a deferred field may be
   * sent as a promise, after the rest. Otherwise the answer waits for it.
   */
  streaming: boolean;
  /** @internal Server-only: `stripInternal` keeps it out of the client's bundled types. */
  log: Logger;
  /** @internal Forgets cached entries with these tags, in every instance. */
  invalidate: (tags: readonly string[]) => Promise<void>;
  /** @internal Server-only: `stripInternal` keeps it out of the client's bundled types. */
  upstreams: Upstreams;
  /** @internal Each user's order confirmations by `clientReference`, kept at least 24 h. */
  orderConfirmations: KeptValues<OrderConfirmation>;
  /** @internal Per-user locks (one `orders.place` at a time). */
  locks: Locks;
  /** @internal Metrics and the tracer of the call spans. */
  telemetry: { metrics: Metrics; tracer: Tracer };
  /** @internal Server-only: `stripInternal` keeps it out of the client's bundled types. */
  config: Pick<
    Config,
    'ERP_TIMEOUT_MS' | 'PART_TIMEOUT_MS' | 'UPSTREAM_TIMEOUT_MS' | 'MAX_BODY_BYTES'
  >;
}

/** How the HTTP host makes a request's context: its scope, its sign-in, and whether it streams. */
export type CreateContext = (
  scope: RequestScope,
  signIn: () => Promise<SignedInUser>,
  streaming: boolean,
) => Context;

/** What a procedure declares beside its code, for the HTTP host. */
export interface ProcedureMeta {
  /**
   * A public query: its answer may be kept by CDNs and by the BFF itself for this long (the
   * shortest-lived data it shows), unless it names a degraded part. Anything without it is
   * `private, no-store`.
   */
  publicMaxAgeSeconds?: number;
  /** Tags of the data the answer to this input shows: a kept answer is dropped with that data. */
  tagsOf?: (input: unknown) => readonly string[];
}

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    transformer: superjson,
    // Whatever NODE_ENV says: no stack traces in answers.
    isDev: false,
    errorFormatter({ shape, error, ctx }) {
      const api = error instanceof ApiError ? error : undefined;
      const input =
        error.cause instanceof z.core.$ZodError ? describeInputError(error.cause) : null;
      return {
        code: shape.code,
        message: messageOf(error, input?.message, ctx?.config.MAX_BODY_BYTES),
        // No undefined values: superjson would add a `meta` to say so.
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          ...(shape.data.path === undefined ? {} : { path: shape.data.path }),
          appCode: api?.appCode ?? null,
          ...(api?.sku === undefined ? {} : { sku: api.sku }),
          ...(api?.retryAfterSeconds === undefined
            ? {}
            : { retryAfterSeconds: api.retryAfterSeconds }),
          ...(input ? { issues: input.issues } : {}),
        },
      };
    },
  });

/** What a client reads: ours, a validation failure in words, or the limit a body went over. */
function messageOf(
  error: TRPCError,
  inputMessage: string | undefined,
  maxBodyBytes: number | undefined,
): string {
  if (error.code === 'INTERNAL_SERVER_ERROR') return 'Internal server error';
  if (inputMessage !== undefined) return inputMessage;
  // tRPC's own, when a body sent without a length goes over the bound while it is read.
  if (error.code === 'PAYLOAD_TOO_LARGE' && !(error instanceof ApiError))
    return maxBodyBytes === undefined
      ? 'The body is larger than MAX_BODY_BYTES allows'
      : tooLarge(maxBodyBytes).message;
  return error.message;
}

/** Turns whatever a procedure threw into docs/api.md's errors, in one place. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) throw toApiError(result.error);
  return result;
});

/**
 * Every call observed: a span (a child of the request's trace; its upstream calls' spans are its
 * children), its duration, and its outcome by tRPC code (OK for a result) in the metrics.
 */
const observeCall = t.middleware(async ({ ctx, path, type, next }) => {
  const started = performance.now();
  const parent = ctx.scope.trace ?? ROOT_CONTEXT;
  const span = ctx.telemetry.tracer.startSpan(
    `trpc ${path}`,
    {
      kind: SpanKind.SERVER,
      attributes: {
        'rpc.system': 'trpc',
        'rpc.method': path,
        'bff.type': type,
        'bff.request_id': ctx.scope.requestId,
      },
    },
    parent,
  );
  const result = await next({
    ctx: { scope: { ...ctx.scope, trace: trace.setSpan(parent, span) } },
  });
  const code = result.ok ? 'OK' : result.error.code;
  ctx.telemetry.metrics.calls.inc({ procedure: path, code });
  ctx.telemetry.metrics.callDuration.observe(
    { procedure: path },
    (performance.now() - started) / 1000,
  );
  span.setAttribute('bff.code', code);
  if (ctx.scope.record) span.setAttribute('bff.server_timing', serverTiming(ctx.scope.record));
  if (!result.ok) span.setStatus({ code: SpanStatusCode.ERROR, message: code });
  span.end();
  return result;
});

export const router = t.router;
export const publicProcedure = t.procedure.use(observeCall).use(mapErrors);

/**
 * Signed in: the verified user goes into the context. Procedures send `ctx.user.id` (the token's
 * `sub`) to the upstreams, never an id from their input.
 */
export const signedInProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const user = await ctx.signIn();
  return next({ ctx: { user } });
});
