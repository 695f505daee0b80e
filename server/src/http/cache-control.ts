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

/** Whether a procedure's data names a degraded part: then it is never public, even for a second. */
export const isDegraded = (data: unknown): boolean =>
  typeof data === 'object' &&
  data !== null &&
  'degraded' in data &&
  Array.isArray(data.degraded) &&
  data.degraded.length > 0;

/** A tRPC result's data when it succeeded (a failure is never kept). */
function succeeded(result: unknown): { data: unknown } | undefined {
  if (typeof result !== 'object' || result === null || !('result' in result)) return undefined;
  const { result: inner } = result;
  if (typeof inner !== 'object' || inner === null || !('data' in inner)) return undefined;
  return { data: inner.data };
}

/**
 * Whether one call's answer is public, and for how long: a query whose procedure declares
 * `publicMaxAgeSeconds`, whose data names no degraded part; tagged by its meta from its input.
 */
export function publicCallOf(
  meta: ProcedureMeta | undefined,
  call: { type: string; input: unknown; data: unknown },
): PublicAnswer | undefined {
  const { type, input, data } = call;
  const declared = meta?.publicMaxAgeSeconds;
  if (type !== 'query' || declared === undefined || declared <= 0 || isDegraded(data))
    return undefined;
  return { maxAgeSeconds: declared, tags: meta?.tagsOf ? [...meta.tagsOf(input)] : [] };
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
  for (const [i, call] of calls.entries()) {
    const result = succeeded(answer.data[i]);
    const one =
      result &&
      publicCallOf(metaOf(call.path), {
        type: answer.type,
        input: call.result(),
        data: result.data,
      });
    if (!one) return undefined;
    maxAgeSeconds = Math.min(maxAgeSeconds, one.maxAgeSeconds);
    tags.push(...one.tags);
  }
  return { maxAgeSeconds, tags };
}
