import type { z } from 'zod';
import type { UpstreamAnswer } from './upstream.js';
import { UpstreamError } from './upstream-error.js';

/**
 * A JSON answer read with its schema: a status outside 2xx is an `http` failure, a body that is
 * not JSON or breaks the schema is `invalid-response`. What a 404 means (an expected outcome:
 * "no such user", "no reviews") is the caller's to decide before calling this.
 */
export function decodeJson<S extends z.ZodType>(answer: UpstreamAnswer, schema: S): z.output<S> {
  if (answer.status < 200 || answer.status > 299)
    throw new UpstreamError(answer.upstream, 'http', { status: answer.status });
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch (error) {
    throw new UpstreamError(answer.upstream, 'invalid-response', {
      status: answer.status,
      cause: error,
    });
  }
  const result = schema.safeParse(body);
  if (!result.success)
    throw new UpstreamError(answer.upstream, 'invalid-response', {
      status: answer.status,
      cause: result.error,
    });
  return result.data;
}

/** Percent-encodes one path segment (ids are pattern-checked too; this is the second lock). */
export const segment = (value: string): string => encodeURIComponent(value);

/** The distinct ids in chunks of at most `size` (an upstream's most per call), all asked at once. */
export function askInChunks<T>(
  ids: readonly string[],
  size: number,
  ask: (part: string[]) => Promise<T>,
): Promise<T[]> {
  return Promise.all(chunk([...new Set(ids)], size).map(ask));
}

/** Splits a list into chunks of at most `size` (an upstream's most ids per call). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
