import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from './config.js';
import { createHandler } from './http/handler.js';
import { createResponseCache, type ResponseCache } from './http/response-cache.js';
import { createTokenVerifier } from './kit/auth.js';
import { createCache, type Cache } from './kit/cache/cache.js';
import { createRedisTier } from './kit/cache/redis-tier.js';
import { createLogger, type Logger } from './kit/logger.js';
import { createTransport } from './kit/upstream/transport.js';
import { appRouter } from './router.js';
import { cachePolicies } from './upstreams/cache-policies.js';
import { withCache } from './upstreams/cached.js';
import { createUpstreams } from './upstreams/index.js';

export interface AppOptions {
  /** @default a JSON logger at config.LOG_LEVEL */
  log?: Logger;
}

export interface App {
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Says "not ready" from now on, then closes the cache's shared tier and the upstream connections. */
  close(): Promise<void>;
  /** The cache, when on (for its size in tests and metrics). */
  cache: Cache | undefined;
  /** The kept encoded answers, when the cache is on. */
  responses: ResponseCache | undefined;
}

/** Builds the BFF for configured upstreams: no listening, no globals, so tests build their own. */
export function createApp(config: Config, options: AppOptions = {}): App {
  const log = options.log ?? createLogger(config.LOG_LEVEL);
  // Upstream HTTP on keep-alive connections, one pool per origin.
  const transport = createTransport();
  const direct = createUpstreams(config, { transport });
  let cache: Cache | undefined;
  if (config.CACHE_MAX_BYTES > 0) {
    cache = createCache({
      maxBytes: config.CACHE_MAX_BYTES,
      log,
      ...(config.REDIS_URL ? { shared: createRedisTier({ url: config.REDIS_URL, log }) } : {}),
    });
  }
  const upstreams = cache
    ? withCache(
        direct,
        cache,
        cachePolicies({ notFoundTtlMs: config.NOT_FOUND_TTL_MS, fxTtlMs: config.FX_TTL_MS }),
      )
    : direct;
  const invalidate = (tags: readonly string[]): Promise<void> =>
    cache?.invalidate(tags) ?? Promise.resolve();
  // Encoded public answers, an eighth of the cache's bound, dropped with the data they show.
  const responses = cache
    ? createResponseCache({ maxBytes: Math.floor(config.CACHE_MAX_BYTES / 8) })
    : undefined;
  if (responses) {
    cache?.onInvalidate((tags) => {
      responses.dropTags(tags);
    });
  }
  const settings = {
    ERP_TIMEOUT_MS: config.ERP_TIMEOUT_MS,
    PART_TIMEOUT_MS: config.PART_TIMEOUT_MS,
    UPSTREAM_TIMEOUT_MS: config.UPSTREAM_TIMEOUT_MS,
  };
  const verifyToken = createTokenVerifier({
    ...config.upstreams.auth,
    clockToleranceSeconds: config.AUTH_CLOCK_TOLERANCE_SECONDS,
    jwksCooldownMs: config.AUTH_JWKS_COOLDOWN_MS,
    jwksTimeoutMs: config.UPSTREAM_TIMEOUT_MS,
  });
  let closed = false;
  let closing: Promise<void> | undefined;
  const handler = createHandler({
    router: appRouter,
    createContext: (scope, authorization) => ({
      scope,
      authorization,
      verifyToken,
      log,
      upstreams,
      invalidate,
      config: settings,
    }),
    log,
    maxBatchSize: config.MAX_BATCH_SIZE,
    maxBodyBytes: config.MAX_BODY_BYTES,
    // Ready once the cache's shared tier is connected (or known to be down: it is optional).
    ready: () => !closed && (cache?.ready() ?? true),
    responses,
  });
  return {
    handler,
    close() {
      closed = true;
      // Once, however often it is called.
      closing ??= (async () => {
        await cache?.close();
        await transport.close();
      })();
      return closing;
    },
    cache,
    responses,
  };
}
