import type { Logger } from '../kit/logger.js';
import type { Metrics } from '../kit/telemetry/metrics.js';
import type { AppRouter } from '../router.js';
import type { CreateContext, ProcedureMeta } from '../trpc.js';
import type { ContentEncoding } from './compression.js';
import type { Gate } from './gate.js';
import type { ApiRequest } from './request-scope.js';
import type { ResponseCache } from './response-cache.js';

/** What each face of the procedures (tRPC, REST) is built from. */
export interface FaceOptions {
  router: AppRouter;
  createContext: CreateContext;
  metaOf: (procedure: string) => ProcedureMeta | undefined;
  /** The edge both faces pass. */
  gate: Gate;
  /** The kept public answers, one per procedure and input whichever face asked. */
  responses?: ResponseCache | undefined;
  /** What a public answer depends on besides its procedure and input, by caller. @default none */
  answerVariant?: ((caller: string) => string) | undefined;
  metrics: Metrics;
  log: Logger;
  maxBodyBytes: number;
}

/** One request to a face, as the host has prepared it. */
export interface FaceRequest {
  /** The path, without the query string. */
  path: string;
  /** The query string, without its `?`. */
  search: string;
  /** The answer's encoding, negotiated from `Accept-Encoding`. */
  encoding: ContentEncoding | undefined;
  /** Request id, trace, sign-in and caller. */
  api: ApiRequest;
}
