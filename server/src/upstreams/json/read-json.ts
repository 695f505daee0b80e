import type { z } from 'zod';
import type { UpstreamHttp, UpstreamRequest } from '../../kit/http.js';
import { UpstreamError } from '../../kit/upstream-error.js';

/**
 * Calls a JSON upstream and validates its answer. `notFound` is what a 404 means for this call
 * (a value to return), or undefined to treat it as an error like any other non-2xx status.
 */
export async function readJson<S extends z.ZodType>(
  http: UpstreamHttp,
  path: string,
  schema: S,
  init: UpstreamRequest & { notFound?: () => z.output<S> } = {},
): Promise<z.output<S>> {
  const { notFound, ...request } = init;
  const response = await http.request(path, request);
  if (response.status === 404 && notFound) return notFound();
  if (response.status < 200 || response.status > 299) throw new UpstreamError(http.service, 'http', { status: response.status });
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch (error) {
    throw new UpstreamError(http.service, 'invalid-response', { status: response.status, cause: error });
  }
  const result = schema.safeParse(body);
  if (!result.success) throw new UpstreamError(http.service, 'invalid-response', { status: response.status, cause: result.error });
  return result.data;
}

/** Percent-encodes one path segment (ids are pattern-checked too; this is the second lock). */
export const segment = (value: string): string => encodeURIComponent(value);
