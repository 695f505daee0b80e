import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config, UpstreamConfig } from './config.js';
import { createHandler } from './http/handler.js';
import { createTokenVerifier } from './kit/auth.js';
import { createLogger, type Logger } from './kit/logger.js';
import { appRouter } from './router.js';
import type { Context } from './trpc.js';
import { createUpstreams } from './upstreams/index.js';

export interface AppOptions {
  /** @default a JSON logger at config.LOG_LEVEL */
  log?: Logger;
  /** The fetch every upstream call uses. @default globalThis.fetch */
  fetch?: typeof fetch;
}

export interface App {
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  close(): Promise<void>;
}

/** Builds the BFF for configured upstreams: no listening, no globals, so tests build their own. */
export function createApp(config: Config & { upstreams: UpstreamConfig }, options: AppOptions = {}): App {
  const log = options.log ?? createLogger(config.LOG_LEVEL);
  const upstreams = createUpstreams(config.upstreams, config, options.fetch);
  const settings: Context['config'] = {
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
  const handler = createHandler({
    router: appRouter,
    createContext: (requestId, authorization) => ({ requestId, authorization, verifyToken, log, upstreams, config: settings }),
    log,
    maxBatchSize: config.MAX_BATCH_SIZE,
    maxBodyBytes: config.MAX_BODY_BYTES,
    ready: () => !closed,
  });
  return {
    handler,
    close() {
      closed = true;
      return Promise.resolve();
    },
  };
}
