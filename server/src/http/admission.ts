import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SignedInUser } from '../kit/auth.js';
import type { RateLimiter, RateLimitVerdict } from '../kit/rate-limit.js';

export interface AdmissionOptions {
  /** tRPC calls in flight before new ones are refused. */
  maxInFlight: number;
  limiter: RateLimiter;
  /** The client's address (X-Forwarded-For believed from trusted proxies only). */
  clientAddress: (req: IncomingMessage) => string;
}

/** Who may come in: load shedding for the BFF itself, rate limits per client. */
export interface Admission {
  /**
   * Counts the request's calls in flight until its answer is done, or refuses it (false) when
   * they would pass MAX_IN_FLIGHT: then it must be answered OVERLOADED at once.
   */
  enter(res: ServerResponse, calls: number): boolean;
  /**
   * Who the request is for: `user:<sub>` when it carries a valid token (`signIn`), else
   * `address:<ip>`. At once without a token; the rate limits and the ERP's versions go by it.
   */
  clientOf(
    req: IncomingMessage,
    signIn: (() => Promise<SignedInUser>) | undefined,
  ): string | Promise<string>;
  /**
   * Whether the client (`client`: the request's clientOf, computed once) may make these calls
   * now, all of them or none.
   */
  admit(calls: number, client: () => string | Promise<string>): Promise<RateLimitVerdict>;
  inFlight(): number;
  readonly limiter: RateLimiter;
}

const ADMITTED: Promise<RateLimitVerdict> = Promise.resolve({ allowed: true });

export function createAdmission(options: AdmissionOptions): Admission {
  const { limiter } = options;
  let inFlight = 0;
  const addressOf = (req: IncomingMessage): string => `address:${options.clientAddress(req)}`;
  return {
    enter(res, calls) {
      if (inFlight + calls > options.maxInFlight) return false;
      inFlight += calls;
      res.on('close', () => {
        inFlight -= calls;
      });
      return true;
    },
    clientOf(req, signIn) {
      // Without a token the address is known at once: no promise in between (a cache hit's path).
      if (!signIn) return addressOf(req);
      // The signed-in user, or the address when the token is not valid (signed-in procedures refuse it anyway).
      return signIn().then(
        (user) => `user:${user.id}`,
        () => addressOf(req),
      );
    },
    admit(calls, client) {
      if (!limiter.enabled) return ADMITTED;
      const key = client();
      return typeof key === 'string'
        ? limiter.admit(key, calls)
        : key.then((known) => limiter.admit(known, calls));
    },
    inFlight: () => inFlight,
    limiter,
  };
}
