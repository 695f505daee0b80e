import { inShare } from '../../kit/migration/sticky-share.js';
import type { CallOptions } from '../../kit/upstream/upstream.js';
import { UpstreamError } from '../../kit/upstream/upstream-error.js';
import type { ErpClient, ErpRead } from '../erp/records.js';
import type { ReadAnswer } from './compare.js';

export type ErpVersion = 'v1' | 'v2';

export interface ErpRouterOptions {
  /** Each configured version's client (at least one). */
  versions: Partial<Record<ErpVersion, ErpClient>>;
  /** With both: the share of callers (0 to 100) that use v2, sticky per caller. */
  v2Percent: number;
  /** Hears each read sent to the other version after a failure that may pass. */
  onFallback: (read: ErpRead, from: ErpVersion, to: ErpVersion) => void;
}

export interface ErpRouter {
  /** The ERP, as procedures call it: each call goes to its caller's version. */
  client: ErpClient;
  /** The version a caller (the rate limiter's key: `user:<sub>`, `address:<ip>`) uses. */
  versionFor(caller: string): ErpVersion;
  /** Whether callers are split between the versions (both configured, 0 < v2Percent < 100). */
  readonly split: boolean;
}

/**
 * A failure that may pass, so that the other version is worth asking within the same budget: 5xx,
 * 429, a timeout of the upstream's own bound, a refused or reset connection, a malformed answer, a
 * soap:Server fault, an open breaker, a full bulkhead. Refusals ("no such product") are answers
 * and never get here; our key rejected (401, AUTH_FAILED) would fail there too.
 */
export function mayPass(error: unknown): boolean {
  if (!(error instanceof UpstreamError)) return false;
  switch (error.kind) {
    case 'timeout':
    case 'network':
    case 'invalid-response':
    case 'unavailable':
      return true;
    case 'http':
      return error.status !== undefined && (error.status >= 500 || error.status === 429);
    case 'fault':
      return error.faultCode === 'Server';
    case 'aborted':
      return false;
  }
}

const other = (version: ErpVersion): ErpVersion => (version === 'v1' ? 'v2' : 'v1');

/**
 * Routes every ERP call to its caller's version: a stable hash of the caller's key against
 * `v2Percent` (the same caller gets the same version on every instance, and raising the
 * percentage only moves callers from v1 to v2). A read that fails with a failure that may pass
 * is sent once to the other version, with the same signal (so within the same budget: no
 * fallback once the caller's time is up). Orders go to the caller's version and never to the
 * other one after a failure (their idempotency key is shared, so the client's retry is safe
 * whichever version it reaches).
 */
export function createErpRouter(options: ErpRouterOptions): ErpRouter {
  const { versions, v2Percent, onFallback } = options;
  const { v1, v2 } = versions;
  const only: ErpVersion | undefined =
    v1 && v2 ? (v2Percent <= 0 ? 'v1' : v2Percent >= 100 ? 'v2' : undefined) : v1 ? 'v1' : 'v2';
  if (!v1 && !v2) throw new Error('the ERP needs at least one version');
  const clientOf = (version: ErpVersion): ErpClient => {
    const client = versions[version];
    if (!client) throw new Error(`ERP ${version} is not configured`);
    return client;
  };
  const versionFor = (caller: string): ErpVersion =>
    only ?? (inShare(caller, v2Percent) ? 'v2' : 'v1');

  /** The caller's version: at once when there is one for all, else from its key. */
  const versionOf = (call: CallOptions | undefined): ErpVersion | Promise<ErpVersion> => {
    if (only) return only;
    const key = call?.scope?.caller?.() ?? '';
    return typeof key === 'string' ? versionFor(key) : key.then(versionFor);
  };

  const read =
    <R extends ErpRead>(
      name: R,
      ask: (client: ErpClient, call?: CallOptions) => Promise<ReadAnswer<R>>,
    ) =>
    async (call: CallOptions | undefined): Promise<ReadAnswer<R>> => {
      const version = await versionOf(call);
      try {
        return await ask(clientOf(version), call);
      } catch (error) {
        const fallback = other(version);
        if (!versions[fallback] || call?.signal?.aborted || !mayPass(error)) throw error;
        onFallback(name, version, fallback);
        return ask(clientOf(fallback), call);
      }
    };

  return {
    split: only === undefined,
    versionFor,
    client: {
      getProduct: (sku, call) => read('getProduct', (c, o) => c.getProduct(sku, o))(call),
      getProducts: (skus, call) => read('getProducts', (c, o) => c.getProducts(skus, o))(call),
      searchProducts: (query, call) =>
        read('searchProducts', (c, o) => c.searchProducts(query, o))(call),
      getStock: (skus, call) => read('getStock', (c, o) => c.getStock(skus, o))(call),
      placeOrder: async (order, call) => clientOf(await versionOf(call)).placeOrder(order, call),
    },
  };
}
