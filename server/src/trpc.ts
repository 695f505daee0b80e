import { initTRPC } from '@trpc/server';
import superjson from 'superjson';
import type { Config } from './config.js';
import { ApiError, toApiError } from './errors.js';
import type { TokenVerifier } from './kit/auth.js';
import type { Logger } from './kit/logger.js';
import type { Upstreams } from './upstreams/index.js';

/** What every procedure gets: the request's id, the upstream clients and the settings it needs. */
export interface Context {
  requestId: string;
  /** The request's `Authorization` header, checked by signed-in procedures. */
  authorization: string | undefined;
  /** @internal Server-only: `stripInternal` keeps it out of the client's bundled types. */
  verifyToken: TokenVerifier;
  /** @internal Server-only: `stripInternal` keeps it out of the client's bundled types. */
  log: Logger;
  /** @internal Forgets cached entries with these tags, in every instance. */
  invalidate: (tags: readonly string[]) => Promise<void>;
  /**
   * @internal How long each answered call may be cached by a CDN, in seconds; null for "never".
   * A call that says nothing counts as never (signed-in ones, mutations).
   */
  cacheHints: (number | null)[];
  /** @internal Tags of the data a public answer shows, so that the kept answer is dropped with it. */
  cacheTags: string[];
  /** @internal Server-only: `stripInternal` keeps it out of the client's bundled types. */
  upstreams: Upstreams;
  /** @internal Server-only: `stripInternal` keeps it out of the client's bundled types. */
  config: Pick<Config, 'ERP_TIMEOUT_MS' | 'PART_TIMEOUT_MS' | 'UPSTREAM_TIMEOUT_MS'>;
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  // Whatever NODE_ENV says: no stack traces in answers.
  isDev: false,
  errorFormatter({ shape, error }) {
    const api = error instanceof ApiError ? error : undefined;
    const internal = error.code === 'INTERNAL_SERVER_ERROR';
    return {
      code: shape.code,
      message: internal ? 'Internal server error' : shape.message,
      data: {
        code: shape.data.code,
        httpStatus: shape.data.httpStatus,
        path: shape.data.path,
        appCode: api?.appCode ?? null,
        ...(api?.sku === undefined ? {} : { sku: api.sku }),
      },
    };
  },
});

/** Turns whatever a procedure threw into API.md's errors, in one place. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) throw toApiError(result.error);
  return result;
});

export const router = t.router;
export const publicProcedure = t.procedure.use(mapErrors);

/**
 * Signed in: the verified user goes into the context. Procedures send `ctx.user.id` (the token's
 * `sub`) to the upstreams, never an id from their input.
 */
export const signedInProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const user = await ctx.verifyToken(ctx.authorization);
  return next({ ctx: { user } });
});
