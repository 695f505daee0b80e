import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SignedInUser } from '../kit/auth.js';
import type { Admission as Verdict, RateLimiter } from '../kit/rate-limit.js';

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
   * Whether the client may make these calls now, all of them or none: the client is the signed-in
   * user when the request carries a valid token (`signIn`), else its address.
   */
  admit(
    req: IncomingMessage,
    calls: number,
    signIn: (() => Promise<SignedInUser>) | undefined,
  ): Promise<Verdict>;
  inFlight(): number;
  readonly limiter: RateLimiter;
}

const ADMITTED: Promise<Verdict> = Promise.resolve({ allowed: true });

export function createAdmission(options: AdmissionOptions): Admission {
  const { limiter } = options;
  let inFlight = 0;
  const addressOf = (req: IncomingMessage): string => `address:${options.clientAddress(req)}`;
  /** The signed-in user, or the address when the token is not valid (signed-in procedures refuse it anyway). */
  const clientOf = async (
    req: IncomingMessage,
    signIn: () => Promise<SignedInUser>,
  ): Promise<string> => {
    try {
      return `user:${(await signIn()).id}`;
    } catch {
      return addressOf(req);
    }
  };
  return {
    enter(res, calls) {
      if (inFlight + calls > options.maxInFlight) return false;
      inFlight += calls;
      res.on('close', () => {
        inFlight -= calls;
      });
      return true;
    },
    admit(req, calls, signIn) {
      if (!limiter.enabled) return ADMITTED;
      // Without a token the address is known at once: no promise in between (a cache hit's path).
      if (!signIn) return limiter.admit(addressOf(req), calls);
      return clientOf(req, signIn).then((client) => limiter.admit(client, calls));
    },
    inFlight: () => inFlight,
    limiter,
  };
}
