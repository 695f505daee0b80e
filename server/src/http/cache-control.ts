import type { TRPCError } from '@trpc/server';
import type { TRPCRequestInfo } from '@trpc/server/http';
import type { ProcedureMeta } from '../trpc.js';

/** What an answer may be kept as: public for `maxAgeSeconds`, dropped with the data named by `tags`. */
export interface PublicAnswer {
  maxAgeSeconds: number;
  tags: string[];
}

export const PRIVATE = 'private, no-store';

export const publicCacheControl = (maxAgeSeconds: number): string =>
  `public, max-age=${String(maxAgeSeconds)}, s-maxage=${String(maxAgeSeconds)}, stale-while-revalidate=${String(maxAgeSeconds)}`;

/** Whether a procedure's output names a degraded part (a failure is never kept, even for a second). */
function isDegraded(result: unknown): boolean {
  if (typeof result !== 'object' || result === null || !('result' in result)) return true;
  const { result: inner } = result;
  if (typeof inner !== 'object' || inner === null || !('data' in inner)) return true;
  const { data } = inner;
  return (
    typeof data === 'object' &&
    data !== null &&
    'degraded' in data &&
    Array.isArray(data.degraded) &&
    data.degraded.length > 0
  );
}

/**
 * Whether a whole answer is public, and for how long: every call of the request is a query whose
 * procedure declares `publicMaxAgeSeconds`, none failed, none is degraded. The shortest max-age
 * wins; the tags are every call's. Anything else (a mutation, a signed-in query, an error, a
 * degraded part, a mixed batch) is private.
 */
export function publicAnswerOf(
  metaOf: (path: string) => ProcedureMeta | undefined,
  answer: {
    type: string;
    errors: readonly TRPCError[];
    info: TRPCRequestInfo | undefined;
    data: readonly unknown[];
  },
): PublicAnswer | undefined {
  const calls = answer.info?.calls ?? [];
  if (
    answer.type !== 'query' ||
    answer.errors.length > 0 ||
    calls.length === 0 ||
    answer.data.length !== calls.length
  )
    return undefined;
  let maxAgeSeconds = Infinity;
  const tags: string[] = [];
  for (const call of calls) {
    const meta = metaOf(call.path);
    const declared = meta?.publicMaxAgeSeconds;
    if (declared === undefined || declared <= 0) return undefined;
    maxAgeSeconds = Math.min(maxAgeSeconds, declared);
    if (meta?.tagsOf) tags.push(...meta.tagsOf(call.result()));
  }
  if (answer.data.some(isDegraded)) return undefined;
  return { maxAgeSeconds, tags };
}
