import type { ErpClient, ErpRead } from '../erp/records.js';
import type { ErpPaths } from '../index.js';
import type { Comparison } from './compare.js';
import { createErpRouter, type ErpRouter, type ErpVersion } from './router.js';
import { withShadow, type ShadowOutcome } from './shadow.js';

export type { ErpRouter, ErpVersion } from './router.js';
export type { ShadowOutcome } from './shadow.js';

export interface ErpMigrationOptions {
  /** Each configured version's clients (from createErpUpstreams). */
  versions: Partial<Record<ErpVersion, ErpPaths>>;
  /** ERP_V2_PERCENT: the share of callers on v2. */
  v2Percent: number;
  /** ERP_SHADOW_PERCENT: the share of each version's reads also sent to the other. */
  shadowPercent: number;
  /** Whether the process is too busy for shadow reads (most are dropped then). @default never */
  busy?: () => boolean;
  /** What each version's client is wrapped in below the router (merged look-ups, the cache). */
  layer: (client: ErpClient, version: ErpVersion) => ErpClient;
  onComparison: (
    read: ErpRead,
    served: ErpVersion,
    outcome: ShadowOutcome,
    comparison?: Comparison,
  ) => void;
  onFallback: (read: ErpRead, from: ErpVersion, to: ErpVersion) => void;
}

/**
 * The ERP as procedures call it, with two versions behind it. Per version, from the upstream up:
 * its client; the shadow (a share of its reads also sent to the other version's shadow path and
 * compared: on the reads that reach the upstream, below the cache and the merging, so that a
 * cached answer is not compared again and a merged look-up is compared once); its own merged
 * look-ups and cache (`layer`); then the router, which sends each caller to its version and a
 * failed read to the other one.
 */
export function createErpMigration(options: ErpMigrationOptions): ErpRouter {
  const { versions, shadowPercent } = options;
  const layered: Partial<Record<ErpVersion, ErpClient>> = {};
  for (const version of ['v1', 'v2'] as const) {
    const own = versions[version];
    if (!own) continue;
    const other = versions[version === 'v1' ? 'v2' : 'v1'];
    const served =
      other && shadowPercent > 0
        ? withShadow(own.client, {
            percent: shadowPercent,
            other: other.shadow,
            ...(options.busy ? { busy: options.busy } : {}),
            onComparison: (read, outcome, comparison) => {
              options.onComparison(read, version, outcome, comparison);
            },
          })
        : own.client;
    layered[version] = options.layer(served, version);
  }
  return createErpRouter({
    versions: layered,
    v2Percent: options.v2Percent,
    onFallback: options.onFallback,
  });
}
