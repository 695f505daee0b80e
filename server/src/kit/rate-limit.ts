import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisConnection } from './redis.js';

export interface RateLimitOptions {
  /** Calls per client per window; 0 turns limiting off. */
  points: number;
  windowSeconds: number;
  /** Limits through Redis hold across instances; while Redis is down each instance limits on its own. */
  redis?: RedisConnection | undefined;
  /** @default 'storefront:rl' */
  prefix?: string;
}

export type RateLimitVerdict =
  | { allowed: true }
  | {
      allowed: false;
      /** Seconds until the client's window resets: its calls are admitted again then. */
      retryAfterSeconds: number;
    };

export interface RateLimiter {
  /** False when RATE_LIMIT_POINTS is 0: every call is admitted. */
  readonly enabled: boolean;
  /** Admits or refuses `calls` calls of one client together: a refused batch takes none of its points. */
  admit(client: string, calls: number): Promise<RateLimitVerdict>;
  /** The `RateLimit-Policy` field of the IETF httpapi rate-limit headers draft: `"default";q=1200;w=60`. */
  readonly policy: string;
  /** The `RateLimit` field for a refusal: none left, `t` seconds until the window resets. */
  field(retryAfterSeconds: number): string;
}

const POLICY = 'default';

/**
 * Fixed-window limits per client on rate-limiter-flexible: in memory, or through Redis (keys expire
 * with their window) with an in-memory limiter as insurance while Redis cannot be reached.
 */
export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  const { points, windowSeconds } = options;
  const policy = `"${POLICY}";q=${String(points)};w=${String(windowSeconds)}`;
  const field = (retryAfterSeconds: number): string =>
    `"${POLICY}";r=0;t=${String(retryAfterSeconds)}`;
  if (points === 0)
    return { enabled: false, admit: () => Promise.resolve({ allowed: true }), policy, field };

  const keyPrefix = options.prefix ?? 'storefront:rl';
  const memory = new RateLimiterMemory({ points, duration: windowSeconds, keyPrefix });
  const limiter = options.redis
    ? new RateLimiterRedis({
        storeClient: options.redis.client,
        points,
        duration: windowSeconds,
        keyPrefix,
        rejectIfRedisNotReady: true,
        insuranceLimiter: memory,
      })
    : memory;

  return {
    enabled: true,
    async admit(client, calls) {
      try {
        await limiter.consume(client, calls);
        return { allowed: true };
      } catch (refusal) {
        // Without insurance a store error would land here too; there always is one.
        if (!(refusal instanceof RateLimiterRes)) throw refusal;
        // A refused batch runs nothing: its calls are not counted against the client.
        await limiter.reward(client, calls).catch(() => undefined);
        return {
          allowed: false,
          retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)),
        };
      }
    },
    policy,
    field,
  };
}
