import type { ServiceName } from './types.js';

/** What tracing headers one request carried. */
export interface RecordedCall {
  service: ServiceName;
  operation: string;
  requestId: string | undefined;
  traceparent: string | undefined;
}

/** Requests remembered with their tracing headers. */
const RECENT = 500;

/** Counts the requests each service received, per operation, so tests can prove batching and caching. */
export interface CallCounter {
  /** Requests to one service, or to one of its operations. */
  count(service: ServiceName, operation?: string): number;
  /** Every count, keyed `service operation`. */
  snapshot(): Record<string, number>;
  reset(): void;
  record(
    service: ServiceName,
    operation: string,
    headers?: Record<string, string | string[] | undefined>,
  ): void;
  /** The last 500 requests, oldest first, with their `X-Request-Id` and `traceparent`. */
  recent(): readonly RecordedCall[];
  /** Requests a service holds open right now (a hanging one stays open until its client gives up). */
  inFlight(service: ServiceName): number;
  /** Marks a request open until `closed` fires; used by the host. */
  track(service: ServiceName, closed: (done: () => void) => void): void;
}

export function createCallCounter(): CallCounter {
  const counts = new Map<string, number>();
  const totals = new Map<ServiceName, number>();
  const open = new Map<ServiceName, number>();
  const recent: RecordedCall[] = [];
  const header = (
    headers: Record<string, string | string[] | undefined> | undefined,
    name: string,
  ): string | undefined => {
    const value = headers?.[name];
    return Array.isArray(value) ? value[0] : value;
  };
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
      recent.length = 0;
    },
    recent: () => recent,
    record(service, operation, headers) {
      recent.push({
        service,
        operation,
        requestId: header(headers, 'x-request-id'),
        traceparent: header(headers, 'traceparent'),
      });
      if (recent.length > RECENT) recent.shift();
      const key = `${service} ${operation}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      totals.set(service, (totals.get(service) ?? 0) + 1);
    },
  };
}
