import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  getTRPCErrorFromUnknown,
  getTRPCErrorShape,
  transformTRPCResponse,
  TRPCError,
  type AnyProcedure,
} from '@trpc/server';
import { getHTTPStatusCode, type TRPCRequestInfo } from '@trpc/server/http';
import type { AppRouter } from '../router.js';
import type { Context } from '../trpc.js';

/**
 * One tRPC query over GET (the common case: a page's data), answered the way tRPC's Node adapter
 * answers it, without its conversion to the Fetch API and back.
 *
 * For every request the adapter makes a URL, a Headers and a Request (with an AbortController and
 * AbortSignals chained to it), calls the procedure, and makes a Response whose body is a web
 * stream piped into the Node response through a WritableStream: about a tenth of the CPU of an
 * uncached product page. Here the same procedure is called with the same options, and its answer
 * made with tRPC's own functions (error shape, HTTP status, transformer), with the same headers,
 * status and bytes. Only what is plainly one query over GET comes here: anything else (a batch, a
 * streamed or subscription call, a POST, a content type, a path that names no query, an input
 * that is not JSON or not superjson) goes to the adapter, which answers it as tRPC does.
 */
export interface SingleQuery {
  readonly path: string;
  readonly procedure: AnyProcedure;
  /** The input as the procedure reads it (superjson's), or undefined when the request has none. */
  readonly input: unknown;
}

/** What the answer's headers are made from besides tRPC's own: the face's `responseMeta`. */
export type ResponseMetaOf = (answer: {
  info: TRPCRequestInfo;
  errors: TRPCError[];
  data: unknown[];
}) => { headers: Record<string, string>; status?: number };

export interface SingleQueryOptions {
  router: AppRouter;
  /** Builds the procedure's context; a throw fails the call as it does in tRPC. */
  createContext: () => Context;
  responseMeta: ResponseMetaOf;
  /** Hears a failed call (its log line). */
  onError: (error: TRPCError, path: string | undefined) => void;
}

/**
 * The request as a single query, when it plainly is one (see SingleQuery); undefined for anything
 * the adapter is to answer.
 */
export function singleQueryOf(
  router: AppRouter,
  req: IncomingMessage,
  path: string,
  search: string,
): SingleQuery | undefined {
  if (req.method !== 'GET' || req.headers['trpc-accept'] !== undefined) return undefined;
  if (req.headers['content-type'] !== undefined) return undefined;
  // Flat at run time, by dotted path (`product.page`), whatever the types say.
  const procedures = router._def.procedures as unknown as Record<string, AnyProcedure | undefined>;
  const procedure = Object.hasOwn(procedures, path) ? procedures[path] : undefined;
  if (procedure?._def.type !== 'query') return undefined;
  const params = new URLSearchParams(search);
  if (params.has('batch') || params.has('connectionParams')) return undefined;
  // As tRPC's GET handler reads it: JSON, then the transformer's; one that fails goes to tRPC.
  const text = params.get('input');
  if (!text) return { path, procedure, input: undefined };
  try {
    const input: unknown = router._def._config.transformer.input.deserialize(JSON.parse(text));
    return { path, procedure, input };
  } catch {
    return undefined;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isPromiseLike = (value: unknown): boolean =>
  (isObject(value) || typeof value === 'function') &&
  typeof (value as { then?: unknown }).then === 'function' &&
  typeof (value as { catch?: unknown }).catch === 'function';
const isAsyncIterable = (value: unknown): boolean =>
  isObject(value) && Symbol.asyncIterator in value;
/** What tRPC refuses to send in a non-streamed answer: promises or iterables in the data. */
const isDataStream = (value: unknown): boolean =>
  isObject(value) &&
  (isAsyncIterable(value) ||
    Object.values(value).some(isPromiseLike) ||
    Object.values(value).some(isAsyncIterable));

/** Writes the headers as the adapter does: tRPC's Headers, whose names come out sorted. */
function writeHead(res: ServerResponse, status: number, headers: Record<string, string>): void {
  if (res.statusCode === 200) res.statusCode = status;
  for (const name of Object.keys(headers).sort()) res.setHeader(name, headers[name] ?? '');
}

/**
 * Answers `query` on `res` (whose write and end the face may have wrapped, to compress and keep the
 * answer). Never rejects: what fails after the call is answered as the adapter's last resort does.
 */
export async function answerSingleQuery(
  query: SingleQuery,
  res: ServerResponse,
  options: SingleQueryOptions,
): Promise<void> {
  const { router } = options;
  const config = router._def._config;
  const { path, procedure, input } = query;
  // The procedure's signal: aborted when the client goes away before its answer is written.
  const abort = new AbortController();
  const onClose = (): void => {
    if (!res.writableEnded) abort.abort();
  };
  res.once('close', onClose);
  let inputRead = false;
  const call = {
    path,
    procedure,
    batchIndex: 0,
    getRawInput: () => {
      inputRead = true;
      return Promise.resolve(input);
    },
    // As tRPC's: the input only once the procedure has read it.
    result: () => (inputRead ? input : undefined),
  };
  const info: TRPCRequestInfo = {
    accept: null,
    type: 'query',
    isBatchCall: false,
    calls: [call],
    connectionParams: null,
    signal: abort.signal,
    url: null,
  };
  try {
    let ctx: Context | undefined;
    let data: unknown;
    let error: TRPCError | undefined;
    try {
      ctx = options.createContext();
      data = await procedure({
        path,
        getRawInput: call.getRawInput,
        ctx,
        type: 'query',
        signal: abort.signal,
        batchIndex: 0,
      });
    } catch (cause) {
      error = getTRPCErrorFromUnknown(cause);
      options.onError(error, path);
    }
    const headers: Record<string, string> = {
      vary: 'trpc-accept, accept',
      'content-type': 'application/json',
    };
    let answer: Parameters<typeof getHTTPStatusCode>[0];
    let errors: TRPCError[] = [];
    if (error === undefined && isDataStream(data)) {
      // As tRPC: refused after the call, as the whole request's failure (no path, no input).
      const refused = new TRPCError({
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message:
          'Cannot use stream-like response in non-streaming request - use httpBatchStreamLink',
      });
      options.onError(refused, undefined);
      errors = [refused];
      answer = {
        error: getTRPCErrorShape({
          config,
          ctx,
          error: refused,
          input: undefined,
          path: undefined,
          type: 'query',
        }),
      };
    } else if (error !== undefined) {
      errors = [error];
      answer = {
        error: getTRPCErrorShape({ config, ctx, error, input: call.result(), path, type: 'query' }),
      };
    } else answer = { result: { data } };
    const meta = options.responseMeta({ info, errors, data: [answer] });
    Object.assign(headers, meta.headers);
    writeHead(res, meta.status ?? getHTTPStatusCode([answer]), headers);
    res.end(JSON.stringify(transformTRPCResponse(config, answer)));
  } catch (cause) {
    // What the adapter answers when its own work fails.
    const error = getTRPCErrorFromUnknown(cause);
    options.onError(error, undefined);
    const shape = getTRPCErrorShape({
      config,
      error,
      type: 'unknown',
      path: undefined,
      input: undefined,
      ctx: undefined,
    });
    if (!res.headersSent) res.statusCode = shape.data.httpStatus;
    res.end(JSON.stringify(transformTRPCResponse(config, { error: shape })));
  } finally {
    res.off('close', onClose);
  }
}
