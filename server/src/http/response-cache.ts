import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Entry } from '../kit/cache/entry.js';
import { createMemoryTier, type MemoryTier } from '../kit/cache/memory-tier.js';

export interface ResponseCacheOptions {
  maxBytes: number;
  now?: () => number;
}

interface Kept {
  body: Buffer;
  contentType: string;
  cacheControl: string;
}

/**
 * The encoded answers of public GET queries, kept for their own max-age and dropped with the tags
 * their procedures named (a placed order drops the pages of its SKUs at once). A hit is written
 * without tRPC, superjson or any upstream look-up. Only answers the host already marked
 * `public` are kept: anything private, degraded, failed or a mutation never is.
 */
export interface ResponseCache {
  /** Writes the kept answer of this request, if there is one; true when it did. */
  serve(req: IncomingMessage, res: ServerResponse): boolean;
  /** Keeps what `res` answers, if the host marks it public, under `tags()` (read when it ends). */
  capture(req: IncomingMessage, res: ServerResponse, tags: () => readonly string[]): void;
  dropTags(tags: readonly string[]): void;
  readonly memory: Pick<MemoryTier, 'size' | 'bytes'>;
}

const MAX_AGE = /(?:^|[\s,])max-age=(\d+)/;

export function createResponseCache(options: ResponseCacheOptions): ResponseCache {
  const now = options.now ?? Date.now;
  const memory = createMemoryTier({ maxBytes: options.maxBytes, now });
  // Plain GETs only: a client that asked for a streamed answer (trpc-accept, or accept: application/jsonl) gets one from tRPC.
  const cacheable = (req: IncomingMessage): req is IncomingMessage & { url: string } =>
    req.method === 'GET' && req.url !== undefined && req.headers['trpc-accept'] === undefined && !(req.headers.accept ?? '').includes('application/jsonl');

  return {
    serve(req, res) {
      if (!cacheable(req)) return false;
      const entry = memory.get(req.url);
      if (!entry || entry.freshUntil <= now()) return false;
      const kept = entry.value as Kept;
      res.writeHead(200, { 'content-type': kept.contentType, 'cache-control': kept.cacheControl, 'content-length': kept.body.length });
      res.end(kept.body);
      return true;
    },
    capture(req, res, tags) {
      if (!cacheable(req)) return;
      const chunks: Buffer[] = [];
      const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
      const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
      const collect = (chunk: unknown): void => {
        if (typeof chunk === 'string') chunks.push(Buffer.from(chunk));
        else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
      };
      res.write = ((chunk: unknown, ...rest: unknown[]) => {
        collect(chunk);
        return write(chunk, ...rest);
      }) as typeof res.write;
      res.end = ((...args: unknown[]) => {
        const [chunk] = args;
        if (chunk !== undefined && typeof chunk !== 'function') collect(chunk);
        const cacheControl = String(res.getHeader('cache-control') ?? '');
        const maxAge = MAX_AGE.exec(cacheControl)?.[1];
        if (res.statusCode === 200 && cacheControl.startsWith('public') && maxAge !== undefined && Number(maxAge) > 0) {
          const body = Buffer.concat(chunks);
          const at = now();
          const entry: Entry = {
            kind: 'value',
            value: { body, contentType: String(res.getHeader('content-type') ?? 'application/json'), cacheControl } satisfies Kept,
            freshUntil: at + Number(maxAge) * 1000,
            staleUntil: at + Number(maxAge) * 1000,
            tags: [...tags()],
          };
          memory.set(req.url, entry, body.length + req.url.length);
        }
        return end(...args);
      }) as typeof res.end;
    },
    dropTags: (tags) => {
      memory.dropTags(tags);
    },
    memory,
  };
}
