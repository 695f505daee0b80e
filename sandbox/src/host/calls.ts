import type { ServiceName } from './types.js';

/** Counts the requests each service received, per operation, so tests can prove batching and caching. */
export interface CallCounter {
  /** Requests to one service, or to one of its operations. */
  count(service: ServiceName, operation?: string): number;
  /** Every count, keyed `service operation`. */
  snapshot(): Record<string, number>;
  reset(): void;
  record(service: ServiceName, operation: string): void;
  /** Requests a service holds open right now (a hanging one stays open until its client gives up). */
  inFlight(service: ServiceName): number;
  /** Marks a request open until `closed` fires; used by the host. */
  track(service: ServiceName, closed: (done: () => void) => void): void;
}

export function createCallCounter(): CallCounter {
  const counts = new Map<string, number>();
  const totals = new Map<ServiceName, number>();
  const open = new Map<ServiceName, number>();
  return {
    inFlight: (service) => open.get(service) ?? 0,
    track(service, closed) {
      open.set(service, (open.get(service) ?? 0) + 1);
      let done = false;
      closed(() => {
        if (done) return;
        done = true;
        open.set(service, (open.get(service) ?? 1) - 1);
      });
    },
    count(service, operation) {
      return operation === undefined
        ? (totals.get(service) ?? 0)
        : (counts.get(`${service} ${operation}`) ?? 0);
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
