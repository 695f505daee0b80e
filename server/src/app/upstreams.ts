import type { Config } from '../config.js';
import type { Cache } from '../kit/cache/cache.js';
import { watchEventLoop } from '../kit/migration/event-loop-load.js';
import { observeUpstream } from '../kit/telemetry/upstream-step.js';
import type { Transport } from '../kit/upstream/transport.js';
import { cachePolicies, erpCachePolicies } from '../upstreams/cache-policies.js';
import { withCache, withCachedErp } from '../upstreams/cached.js';
import { ERP_OPERATION } from '../upstreams/erp/records.js';
import { createErpMigration, type ErpRouter } from '../upstreams/erp-migration/index.js';
import {
  createErpUpstreams,
  createServiceUpstreams,
  ERP_UPSTREAM,
  type UpstreamName,
  type Upstreams,
} from '../upstreams/index.js';
import { withMergedErpLookups, withMergedLookups } from '../upstreams/merged.js';
import type { Guards } from './guards.js';
import type { Telemetry } from './telemetry.js';

export interface UpstreamLayerOptions {
  /** Upstream HTTP on keep-alive connections, one pool per origin. */
  transport: Transport;
  guards: Guards;
  telemetry: Telemetry;
  /** The cache the clients' reads go through, when it is on. */
  cache: Cache | undefined;
  /** Whether the process is too busy for shadow reads. @default the event loop's utilization */
  eventLoopBusy?: (() => boolean) | undefined;
}

/** The upstream clients as procedures call them, and the router between the ERP's versions. */
export interface UpstreamLayer {
  upstreams: Upstreams;
  /** Which ERP version a caller uses, and whether callers are split between them. */
  erp: Pick<ErpRouter, 'split' | 'versionFor'>;
  /** Stops watching the event loop (the shadow reads' load). */
  close(): void;
}

/**
 * Every upstream client on its call path, from the upstream up: observed and guarded steps, the
 * merged look-ups of concurrent requests, the cache; the ERP's versions each so, with the router,
 * shadow reads and fallback on top.
 */
export function createUpstreamLayer(config: Config, options: UpstreamLayerOptions): UpstreamLayer {
  const { transport, guards, cache } = options;
  const { log, metrics, tracer } = options.telemetry;
  // Observed first (outermost): a call's span, metrics and Server-Timing cover its retries and waits.
  const observe = observeUpstream(metrics, tracer);
  const stepsFor = (name: UpstreamName) => [observe, ...guards.guardOf(name).steps];
  // Public look-ups by SKU asked by concurrent requests go out together.
  const services = withMergedLookups(createServiceUpstreams(config, { transport, stepsFor }));
  const erpPaths = createErpUpstreams(config, {
    transport,
    stepsFor,
    shadowStepsFor: (name) => [observe, ...guards.guardOf(name, 'shadow').steps],
  });
  // Shadow reads yield to answers when the process is saturated: the event loop's load tells.
  const loop =
    config.ERP_SHADOW_PERCENT > 0 && erpPaths.v1 && erpPaths.v2 && !options.eventLoopBusy
      ? watchEventLoop()
      : undefined;
  const busy = options.eventLoopBusy ?? loop?.busy;
  // The ERP's versions: each with its own merged look-ups and cache entries, a router on top.
  const erp = createErpMigration({
    versions: erpPaths,
    v2Percent: config.ERP_V2_PERCENT,
    shadowPercent: config.ERP_SHADOW_PERCENT,
    ...(busy ? { busy } : {}),
    layer: (client, version) => {
      const merged = withMergedErpLookups(client, ERP_UPSTREAM[version]);
      return cache
        ? withCachedErp(
            merged,
            cache,
            erpCachePolicies(version, { notFoundTtlMs: config.NOT_FOUND_TTL_MS }),
          )
        : merged;
    },
    onComparison: (read, served, outcome, comparison) => {
      const operation = ERP_OPERATION[read];
      metrics.shadowComparisons.inc({ upstream: 'erp', operation, outcome });
      if (comparison)
        log.warn('shadow mismatch', {
          upstream: 'erp',
          operation,
          served,
          shadow: served === 'v1' ? 'v2' : 'v1',
          skus: comparison.skus,
          differences: comparison.described,
        });
    },
    onFallback: (_read, from, to) => {
      metrics.upstreamFallbacks.inc({ upstream: 'erp', from, to });
    },
  });
  return {
    upstreams: {
      ...(cache
        ? withCache(services, cache, cachePolicies({ fxTtlMs: config.FX_TTL_MS }))
        : services),
      erp: erp.client,
    },
    erp,
    close() {
      loop?.close();
    },
  };
}
