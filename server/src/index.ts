export { createApp, type App, type AppOptions } from './app.js';
export {
  cacheMaxBytesOf,
  loadConfig,
  UPSTREAM_KEY_VARIABLES,
  UPSTREAM_URL_VARIABLES,
  type Config,
  type ConfigResult,
  type UpstreamConfig,
} from './config.js';
export { appRouter, type AppRouter } from './router.js';
export { UpstreamError, type UpstreamErrorKind } from './kit/upstream/upstream-error.js';
export { createHttpServer } from './http/server.js';
export { heapFlags } from './heap.js';
export { createUpstream, type Upstream, type UpstreamStep } from './kit/upstream/upstream.js';
export {
  BREAKER,
  createUpstreamGuard,
  type BreakerState,
  type ResilienceOptions,
  type UpstreamGuard,
} from './kit/upstream/resilience.js';
export { createRateLimiter, type RateLimiter } from './kit/rate-limit.js';
export type { Transport } from './kit/upstream/transport.js';
export { createMetrics, type Metrics } from './kit/telemetry/metrics.js';
export { observeUpstream } from './kit/telemetry/upstream-step.js';
export { COMPRESS_MIN_BYTES, encodeBody, type ContentEncoding } from './http/compression.js';
