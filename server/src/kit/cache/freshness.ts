import type { CacheOutcome } from '../telemetry/metrics.js';
import { NO_TAGS, type Entry } from './entry.js';
import type { CachePolicy } from './policy.js';

/**
 * The cache's rules of time: how long a policy keeps what a load found (a value fresh for
 * `ttlMs`, then stale for `staleWhileRevalidateMs`; "nothing there" for `absentTtlMs`, never
 * stale), and what an entry found at a given time is worth.
 */

/** The entry of what a load found for `id` at `at` (`undefined`: nothing there), with its policy's times and tags. */
export function entryOf(
  policy: CachePolicy,
  id: string,
  userId: string | undefined,
  found: unknown,
  at: number,
): Entry {
  const kind = found === undefined ? 'absent' : 'value';
  const [ttl, stale] =
    kind === 'value'
      ? [policy.ttlMs, policy.staleWhileRevalidateMs ?? 0]
      : [policy.absentTtlMs ?? 0, 0];
  return {
    kind,
    value: found ?? null,
    freshUntil: at + ttl,
    staleUntil: at + ttl + stale,
    tags: policy.tags?.(id, userId) ?? NO_TAGS,
  };
}

/**
 * What an entry of the memory tier is worth at `at`: a hit while fresh, stale while a value is
 * within its stale window (answered, and refreshed in the background), else a miss (loaded).
 */
export function outcomeOf(entry: Entry | undefined, at: number): CacheOutcome {
  if (entry && at < entry.freshUntil) return 'hit';
  if (entry?.kind === 'value' && at < entry.staleUntil) return 'stale';
  return 'miss';
}

/** Whether an entry is worth keeping at `at`: its stale window (or its TTL) has not ended. */
export const keeps = (entry: Entry, at: number): boolean => entry.staleUntil > at;

/**
 * Whether an entry another instance kept answers a load at `at` instead of the upstream: a value
 * (stale ones too: it is what this instance would have answered) or a fresh "nothing there".
 */
export const answersLoad = (entry: Entry, at: number): boolean =>
  entry.freshUntil > at || entry.kind === 'value';
