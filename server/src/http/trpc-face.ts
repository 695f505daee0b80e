import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TRPCError } from '@trpc/server';
import { nodeHTTPRequestHandler } from '@trpc/server/adapters/node-http';
import type { TRPCRequestInfo } from '@trpc/server/http';
import { type ApiError, batchTooLarge } from '../errors.js';
import { serverTiming } from '../kit/telemetry/request-record.js';
import { PRIVATE, publicAnswerOf, publicCacheControl } from './cache-control.js';
import { compressWhenEnded, type BodyListener } from './compression.js';
import { logFailure } from './failures.js';
import type { FaceOptions, FaceRequest } from './face-options.js';
import { keyForCaller } from './response-cache.js';
import { answerSingleQuery, singleQueryOf } from './trpc-query.js';

export const TRPC_PREFIX = '/trpc/';

export interface TrpcFaceOptions extends FaceOptions {
  maxBatchSize: number;
  /** Whether plain queries over GET are answered without the adapter (trpc-query.ts). */
  singleQueries: boolean;
}

/** One request under /trpc/. */
export type TrpcRequest = FaceRequest;

/**
 * tRPC through its Node adapter, behind the gate. A public query's kept answer is written when
 * there is one; otherwise tRPC's `responseMeta` decides the cache headers from the procedures'
 * meta, and a public answer's bytes are kept as tRPC sends them (encoded once, not twice). A
 * refusal is thrown by createContext, so tRPC shapes it.
 */
export function createTrpcFace(
  options: TrpcFaceOptions,
): (req: IncomingMessage, res: ServerResponse, request: TrpcRequest) => void {
  const { router, metaOf, gate, responses, answerVariant, metrics, log } = options;
  const known = new Set(Object.keys(router._def.procedures));

  return (req, res, request) => {
    const { scope, record, signIn, caller } = request.api;
    const procedures = request.path.slice(TRPC_PREFIX.length);
    const streaming = req.headers['trpc-accept'] === 'application/jsonl';
    // A batch counts each of its calls.
    const calls = procedures.split(',').length;
    const answerKey = responses?.keyOf(req, procedures, request.search);
    // With variants, an answer is kept (and served) only once its caller's variant is known.
    let keptKey = answerVariant ? undefined : answerKey;
    /** Set by responseMeta when the answer is public: keeps tRPC's own bytes as they leave. */
    let keep: BodyListener | undefined;
    const keepWhenSent: BodyListener = (plain, encoded) => {
      // A whole answer only: not one whose client went away while it was written.
      if (keep && res.statusCode === 200 && !res.destroyed && plain.length > 0)
        keep(plain, encoded);
    };

    /** The answer's headers: tRPC's `responseMeta`, for the adapter and for a single query alike. */
    const responseMeta = ({
      type,
      errors,
      info,
      data,
      eagerGeneration,
      refused,
    }: {
      type: string;
      errors: TRPCError[];
      info: TRPCRequestInfo | undefined;
      data: unknown[];
      eagerGeneration: boolean;
      refused: boolean;
    }): { headers: Record<string, string> } => {
      // A streamed answer's headers leave before its work is done: no Server-Timing on it.
      const timing: Record<string, string> = eagerGeneration
        ? {}
        : { 'server-timing': serverTiming(record) };
      // A streamed answer is private: its headers leave before anyone knows what it will hold.
      const answer =
        refused || eagerGeneration
          ? undefined
          : publicAnswerOf(metaOf, { type, errors, info, data });
      if (!answer) return { headers: { 'cache-control': PRIVATE, ...timing } };
      const key = keptKey;
      if (key !== undefined && responses) {
        const single = !(info?.isBatchCall ?? false);
        keep = (plain, encoded) => {
          responses.keep(key, { trpc: plain, single, encoding: request.encoding, encoded }, answer);
        };
      }
      return {
        headers: { 'cache-control': publicCacheControl(answer.maxAgeSeconds), ...timing },
      };
    };
    const onError = (error: TRPCError, procedure: string | undefined): void => {
      logFailure(log, scope.requestId, procedure, error);
    };

    const trpc = (refusal?: ApiError): void => {
      // A streamed answer's parts leave as they are ready: it is sent as it is. (A kept answer is
      // written whole, compressed already: it needs none of this.)
      if (!streaming) compressWhenEnded(res, request.encoding, keepWhenSent);
      // A refused request never reaches a procedure: its calls are counted here.
      if (refusal)
        for (const procedure of procedures.split(','))
          metrics.calls.inc({
            procedure: metaOf(procedure) || known.has(procedure) ? procedure : 'unknown',
            code: refusal.code,
          });
      const query =
        refusal || !options.singleQueries
          ? undefined
          : singleQueryOf(router, req, procedures, request.search);
      if (query) {
        void answerSingleQuery(query, res, {
          router,
          createContext: () => options.createContext(scope, signIn, false),
          responseMeta: ({ info, errors, data }) =>
            responseMeta({
              type: 'query',
              errors,
              info,
              data,
              eagerGeneration: false,
              refused: false,
            }),
          onError,
        });
        return;
      }
      void nodeHTTPRequestHandler({
        router,
        req,
        res,
        path: procedures,
        // A refusal is the answer, whatever the batch holds (a batch over the limit is refused at the gate).
        ...(refusal ? {} : { maxBatchSize: options.maxBatchSize }),
        maxBodySize: options.maxBodyBytes,
        createContext: () => {
          if (refusal) throw refusal;
          return options.createContext(scope, signIn, streaming);
        },
        responseMeta: ({ type, errors, info, data, eagerGeneration }) =>
          responseMeta({
            type,
            errors,
            info,
            data,
            eagerGeneration,
            refused: refusal !== undefined,
          }),
        onError: ({ error, path: procedure }) => {
          onError(error, procedure);
        },
      });
    };

    gate(
      req,
      res,
      {
        requestId: scope.requestId,
        calls,
        hasBody: req.method === 'POST',
        caller,
        refusal: () =>
          calls > options.maxBatchSize && new URLSearchParams(request.search).get('batch') === '1'
            ? batchTooLarge(calls, options.maxBatchSize)
            : undefined,
      },
      (refusal) => {
        if (refusal || answerKey === undefined) {
          trpc(refusal);
          return;
        }
        keyForCaller(answerKey, answerVariant, caller, (key) => {
          keptKey = key;
          if (!responses?.serve(key, res, 'trpc', request.encoding)) trpc();
        });
      },
    );
  };
}
