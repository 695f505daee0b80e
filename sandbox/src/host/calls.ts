import type { ServiceName } from './types.js';

/** Counts the requests each service received, per operation, so tests can prove batching and caching. */
export interface CallCounter {
  /** Requests to one service, or to one of its operations. */
  count(service: ServiceName, operation?: string): number;
  /** Every count, keyed `service operation`. */
  snapshot(): Record<string, number>;
  reset(): void;
  record(service: ServiceName, operation: string): void;
}

export function createCallCounter(): CallCounter {
  const counts = new Map<string, number>();
  const totals = new Map<ServiceName, number>();
  return {
    count(service, operation) {
      return operation === undefined ? (totals.get(service) ?? 0) : (counts.get(`${service} ${operation}`) ?? 0);
    },
    snapshot() {
      return Object.fromEntries(counts);
    },
    reset() {
      counts.clear();
      totals.clear();
    },
    record(service, operation) {
      const key = `${service} ${operation}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      totals.set(service, (totals.get(service) ?? 0) + 1);
    },
  };
}
