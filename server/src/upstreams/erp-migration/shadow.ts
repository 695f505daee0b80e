import { isBulkheadFull } from '../../kit/upstream/resilience.js';
import type { CallOptions } from '../../kit/upstream/upstream.js';
import type { ErpClient, ErpRead } from '../erp/records.js';
import { compareAnswers, type Comparison, type ReadAnswer } from './compare.js';

/** What came of one shadow read. */
export type ShadowOutcome = 'match' | 'mismatch' | 'error' | 'dropped';

export interface ShadowOptions {
  /** The share of this version's reads (0 to 100) that are also sent to the other one. */
  percent: number;
  /**
   * The other version's client on its shadow path: its own breaker and bulkhead (full: the
   * comparison is dropped), no retry, no cache, no merging.
   */
  other: ErpClient;
  /** Hears each comparison: its read, outcome, and for a mismatch what differs. */
  onComparison: (read: ErpRead, outcome: ShadowOutcome, comparison?: Comparison) => void;
  /**
   * Whether the process is too busy for work that may wait (kit/migration/event-loop-load.ts):
   * then only one sampled read in sixteen is shadowed, the others dropped. @default never busy
   */
  busy?: () => boolean;
  /** @default Math.random */
  random?: () => number;
}

/** The share of sampled reads still shadowed while the process is busy. */
const BUSY_SHARE = 1 / 16;

/**
 * The same client, with `percent` of its reads also sent to the other version and the two answers
 * compared field by field. The shadow read starts once this version has answered and runs off the
 * answer's path: it never delays, changes or caches the answer (the caller has it already), it
 * has no caller signal to share (its own time bound and bulkhead hold it), and it carries the
 * request id and trace but adds nothing to the request's Server-Timing. Writes are never sent.
 * A read that failed here has nothing to compare: no shadow. While the process is saturated,
 * fifteen sampled reads in sixteen are dropped instead (their CPU would be taken from answers).
 */
export function withShadow(client: ErpClient, options: ShadowOptions): ErpClient {
  const { other, onComparison, busy } = options;
  const random = options.random ?? Math.random;
  const share = options.percent / 100;

  /** This version's answer; then, for a share of reads, the other's, compared off the answer's path. */
  const shadowed = async <R extends ErpRead>(
    read: R,
    call: CallOptions | undefined,
    ask: (target: ErpClient, call?: CallOptions) => Promise<ReadAnswer<R>>,
  ): Promise<ReadAnswer<R>> => {
    const answer = await ask(client, call);
    if (share > 0 && random() < share) {
      // Shadow work yields to answers: on a saturated process most of it waits for another time.
      if (busy?.() && random() >= BUSY_SHARE) {
        onComparison(read, 'dropped');
        return answer;
      }
      const scope = call?.scope;
      const shadowCall: CallOptions = {
        shadow: true,
        ...(scope ? { scope: { requestId: scope.requestId, trace: scope.trace } } : {}),
      };
      setImmediate(() => {
        ask(other, shadowCall).then(
          (shadow) => {
            const comparison = compareAnswers(read, answer, shadow);
            if (comparison.differences.length === 0) onComparison(read, 'match');
            else onComparison(read, 'mismatch', comparison);
          },
          (error: unknown) => {
            onComparison(read, isBulkheadFull(error) ? 'dropped' : 'error');
          },
        );
      });
    }
    return answer;
  };

  return {
    getProduct: (sku, call) => shadowed('getProduct', call, (t, c) => t.getProduct(sku, c)),
    getProducts: (skus, call) => shadowed('getProducts', call, (t, c) => t.getProducts(skus, c)),
    searchProducts: (query, call) =>
      shadowed('searchProducts', call, (t, c) => t.searchProducts(query, c)),
    getStock: (skus, call) => shadowed('getStock', call, (t, c) => t.getStock(skus, c)),
    // A write is never sent twice.
    placeOrder: (order, call) => client.placeOrder(order, call),
  };
}
