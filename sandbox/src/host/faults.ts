import { SERVICE_NAMES, type ServiceName } from './types.js';

/** What a service does wrong on purpose, for tests. */
export type Fault =
  /** Adds this much latency before answering (on top of the service's own). */
  | { kind: 'latency'; ms: number }
  /** Answers this HTTP status with the service's usual error body (503 and 429 carry `Retry-After`). */
  | { kind: 'status'; status: number; retryAfterSeconds?: number }
  /** The ERP answers a SOAP 1.1 `soap:Server` fault with HTTP 500. */
  | { kind: 'soap-fault'; message?: string }
  /** Answers 200 with the real body cut in the middle. */
  | { kind: 'malformed' }
  /** Accepts the request and never answers (until the sandbox closes). */
  | { kind: 'hang' }
  /** Holds the request until `until` settles (a test releases it), then answers as usual. */
  | { kind: 'hold'; until: Promise<unknown> }
  /** Destroys the connection without an answer. */
  | { kind: 'reset' }
  /**
   * Answers 200 and sends `bytes` of filler (no content-length) as fast as the client reads it;
   * `onSent` hears how many bytes were written when the answer ends or the client goes away.
   */
  | { kind: 'flood'; bytes: number; onSent?: (bytes: number) => void }
  /** Answers 200 and then one byte every `intervalMs`, never finishing. */
  | { kind: 'drip'; intervalMs: number }
  /** Answers a redirect to `location`. */
  | { kind: 'redirect'; status?: 301 | 302 | 307 | 308; location: string }
  /** Answers exactly this (a hostile or broken upstream's own answer). */
  | { kind: 'answer'; status: number; contentType: string; body: string };

/** A `hold` fault and the function that releases what it holds (for tests of ordering). */
export function holdFault(): { fault: Fault; release: () => void } {
  let release = (): void => undefined;
  const until = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { fault: { kind: 'hold', until }, release };
}

export interface InjectOptions {
  /** Only requests for this operation (`GetStock`, `getCart`, …); every operation when unset. */
  operation?: string;
  /** How many matching requests it applies to. @default Infinity */
  times?: number;
}

interface FaultRule {
  fault: Fault;
  operation: string | undefined;
  remaining: number;
}

export interface FaultControls {
  inject(service: ServiceName, fault: Fault, options?: InjectOptions): void;
  /** Removes the faults of one service, or of all. */
  clear(service?: ServiceName): void;
  /** The faults that apply to one request, used up as they apply: the latency to add and at most one failure. */
  take(
    service: ServiceName,
    operation: string,
  ): { latencyMs: number; failure: Exclude<Fault, { kind: 'latency' }> | undefined };
  /** The rules in force, for the control API. */
  list(): { service: ServiceName; fault: Fault; operation?: string; remaining: number }[];
}

export function createFaultControls(): FaultControls {
  const rules = new Map<ServiceName, FaultRule[]>(SERVICE_NAMES.map((name) => [name, []]));
  const rulesOf = (service: ServiceName): FaultRule[] => {
    const list = rules.get(service);
    if (!list) throw new Error(`unknown service: ${service}`);
    return list;
  };

  return {
    inject(service, fault, options = {}) {
      if (fault.kind === 'soap-fault' && service !== 'erp')
        throw new Error('a soap:Server fault is for the ERP only');
      const times = options.times ?? Infinity;
      if (!(times > 0)) throw new Error('times must be positive');
      rulesOf(service).push({ fault, operation: options.operation, remaining: times });
    },
    clear(service) {
      for (const name of service ? [service] : SERVICE_NAMES) rulesOf(name).length = 0;
    },
    take(service, operation) {
      const list = rulesOf(service);
      let latencyMs = 0;
      let failure: Exclude<Fault, { kind: 'latency' }> | undefined;
      for (const rule of list) {
        if (rule.operation !== undefined && rule.operation !== operation) continue;
        if (rule.fault.kind === 'latency') latencyMs += rule.fault.ms;
        else if (failure) continue;
        else failure = rule.fault;
        rule.remaining -= 1;
      }
      rules.set(
        service,
        list.filter((rule) => rule.remaining > 0),
      );
      return { latencyMs, failure };
    },
    list() {
      return SERVICE_NAMES.flatMap((service) =>
        rulesOf(service).map((rule) => ({
          service,
          fault: rule.fault,
          remaining: rule.remaining,
          ...(rule.operation === undefined ? {} : { operation: rule.operation }),
        })),
      );
    },
  };
}
