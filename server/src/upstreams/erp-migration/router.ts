import { inShare } from '../../kit/migration/sticky-share.js';
import { StopController } from '../../kit/stop-signal.js';
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

/** The share of a caller's remaining time the first version gets when the other one could take over. */
const FIRST_TRY_SHARE = 0.5;

/** The first version's share of the caller's budget ran out: the other version gets the rest. */
export class FirstTryTimeoutError extends Error {
  override readonly name = 'FirstTryTimeoutError';
}

/**
 * The first try of a read that may fall back: when the caller's deadline is known, bounded at
 * half its remaining time (so that a version that hangs leaves the other one time to answer),
 * else the caller's own call.
 */
function firstTry(call: CallOptions | undefined): {
  call: CallOptions | undefined;
  timedOut: () => boolean;
  stop: () => void;
} {
  const deadlineAt = call?.deadlineAt;
  const remaining = deadlineAt === undefined ? 0 : deadlineAt - performance.now();
  if (!call || remaining <= 0) return { call, timedOut: () => false, stop: () => undefined };
  const ms = remaining * FIRST_TRY_SHARE;
  const controller = new StopController();
  const timer = setTimeout(() => {
    controller.abort(new FirstTryTimeoutError(`no answer within ${String(Math.round(ms))} ms`));
  }, ms);
  const caller = call.signal;
  const onCallerAbort = (): void => {
    controller.abort(caller?.reason);
  };
  caller?.addEventListener('abort', onCallerAbort, { once: true });
  return {
    call: { ...call, signal: controller.signal, deadlineAt: performance.now() + ms },
    timedOut: () => controller.signal.reason instanceof FirstTryTimeoutError,
    stop() {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onCallerAbort);
    },
  };
}

/**
 * Routes every ERP call to its caller's version: a stable hash of the caller's key against
 * `v2Percent` (the same caller gets the same version on every instance, and raising the
 * percentage only moves callers from v1 to v2). A read that fails with a failure that may pass
 * is sent once to the other version, with the caller's signal (so within the same budget: no
 * fallback once the caller's time is up); when the caller's deadline is known, the first version
 * gets half of the time left, so that one that hangs is a timeout with time to spare. Orders go
 * to the caller's version and never to the other one after a failure (their idempotency key is
 * shared, so the client's retry is safe whichever version it reaches).
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

  const read = async <R extends ErpRead>(
    name: R,
    call: CallOptions | undefined,
    ask: (client: ErpClient, call?: CallOptions) => Promise<ReadAnswer<R>>,
  ): Promise<ReadAnswer<R>> => {
    const version = await versionOf(call);
    const fallback = other(version);
    if (!versions[fallback]) return ask(clientOf(version), call);
    const first = firstTry(call);
    try {
      return await ask(clientOf(version), first.call);
    } catch (error) {
      if (call?.signal?.aborted || !(first.timedOut() || mayPass(error))) throw error;
      onFallback(name, version, fallback);
      return await ask(clientOf(fallback), call);
    } finally {
      first.stop();
    }
  };

  return {
    split: only === undefined,
    versionFor,
    client: {
      getProduct: (sku, call) => read('getProduct', call, (c, o) => c.getProduct(sku, o)),
      getProducts: (skus, call) => read('getProducts', call, (c, o) => c.getProducts(skus, o)),
      searchProducts: (query, call) =>
        read('searchProducts', call, (c, o) => c.searchProducts(query, o)),
      getStock: (skus, call) => read('getStock', call, (c, o) => c.getStock(skus, o)),
      placeOrder: async (order, call) => clientOf(await versionOf(call)).placeOrder(order, call),
    },
  };
}
