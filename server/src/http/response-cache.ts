import type { IncomingMessage, ServerResponse } from 'node:http';
import superjson from 'superjson';
import { createMemoryTier, type MemoryTier } from '../kit/cache/memory-tier.js';
import { publicCacheControl, type PublicAnswer } from './cache-control.js';
import {
  COMPRESS_MIN_BYTES,
  encodeBody,
  varyByEncoding,
  type ContentEncoding,
} from './compression.js';

export interface ResponseCacheOptions {
  maxBytes: number;
  now?: () => number;
  /** Hears every look-up's outcome and every eviction (metrics). */
  observe?: { lookup(outcome: 'hit' | 'miss'): void; evicted(): void };
}

/**
 * The encoded answers of public queries, kept for their max-age and dropped with the tags of the
 * data they show (a placed order drops the pages of its SKUs at once). A hit is written before
 * tRPC runs: no request conversion, no superjson, no upstream look-up.
 */
export interface ResponseCache {
  /**
   * The key of a request whose answer may be kept: a plain GET (a client asking for a streamed
   * batch gets tRPC), named by its procedures, whether it is a batch, and its input as JSON with
   * sorted keys. Other query parameters do not count (`&_=x` does not bust it). Undefined for
   * anything else.
   */
  keyOf(req: IncomingMessage, procedures: string, query: string): string | undefined;
  /**
   * Writes the kept answer of `key`, if one is fresh (compressed when `encoding` is given and it is
   * large enough; its compressed bytes are kept beside it for the next hit); true when it did.
   */
  serve(key: string, res: ServerResponse, encoding?: ContentEncoding): boolean;
  /** Keeps the answer tRPC is about to send for `key`: its results, encoded as tRPC encodes them. */
  keep(
    key: string,
    answer: { results: readonly unknown[]; batch: boolean },
    policy: PublicAnswer,
  ): void;
  dropTags(tags: readonly string[]): void;
  readonly memory: Pick<MemoryTier, 'size' | 'bytes'>;
}

interface Kept {
  body: Buffer;
  cacheControl: string;
  /** The body compressed, by encoding, once a hit has asked for it. */
  encoded?: Partial<Record<ContentEncoding, Buffer>>;
}

/** JSON with object keys sorted at every level: one text for one value. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * One result as tRPC writes it with the superjson transformer of trpc.ts (`{ result: { data:
 * { json, meta } } }`); an answer's bytes are the same whether tRPC or the kept copy sends them.
 */
function encodeResult(result: unknown): unknown {
  if (typeof result !== 'object' || result === null || !('result' in result)) return result;
  const { result: inner } = result;
  if (typeof inner !== 'object' || inner === null || !('data' in inner)) return result;
  return { ...result, result: { ...inner, data: superjson.serialize(inner.data) } };
}

export function createResponseCache(options: ResponseCacheOptions): ResponseCache {
  const now = options.now ?? Date.now;
  const { observe } = options;
  const memory = createMemoryTier({
    maxBytes: options.maxBytes,
    now,
    ...(observe
      ? {
          onEvict: () => {
            observe.evicted();
          },
        }
      : {}),
  });

  return {
    keyOf(req, procedures, query) {
      if (
        req.method !== 'GET' ||
        req.headers['trpc-accept'] !== undefined ||
        (req.headers.accept ?? '').includes('application/jsonl')
      )
        return undefined;
      const params = new URLSearchParams(query);
      const input = params.get('input');
      let canonical = '';
      if (input !== null) {
        try {
          canonical = canonicalJson(JSON.parse(input));
        } catch {
          // Not JSON: tRPC answers that with its error, which is never kept.
          return undefined;
        }
      }
      return `${procedures}\n${params.get('batch') === '1' ? 'batch' : 'single'}\n${canonical}`;
    },

    serve(key, res, encoding) {
      const entry = memory.get(key);
      const fresh = entry !== undefined && entry.freshUntil > now();
      observe?.lookup(fresh ? 'hit' : 'miss');
      if (!entry || !fresh) return false;
      const kept = entry.value as Kept;
      let body = kept.body;
      const headers: Record<string, string | number> = {
        'content-type': 'application/json',
        'cache-control': kept.cacheControl,
        'server-timing': 'cache;desc="hit"',
      };
      if (encoding && body.length >= COMPRESS_MIN_BYTES) {
        let encoded = kept.encoded?.[encoding];
        if (!encoded) {
          encoded = encodeBody(kept.body, encoding);
          // Kept beside the body, within the bound: the entry is set again at its new size.
          const encodings = { ...kept.encoded, [encoding]: encoded };
          const size = Object.values(encodings).reduce(
            (total, bytes) => total + bytes.length,
            kept.body.length + key.length,
          );
          memory.set(key, { ...entry, value: { ...kept, encoded: encodings } }, size);
        }
        body = encoded;
        headers['content-encoding'] = encoding;
      }
      headers['content-length'] = body.length;
      varyByEncoding(res);
      res.writeHead(200, headers);
      res.end(body);
      return true;
    },

    keep(key, answer, policy) {
      const encoded = answer.batch
        ? answer.results.map(encodeResult)
        : encodeResult(answer.results[0]);
      const body = Buffer.from(JSON.stringify(encoded));
      const at = now();
      const until = at + policy.maxAgeSeconds * 1000;
      memory.set(
        key,
        {
          kind: 'value',
          value: { body, cacheControl: publicCacheControl(policy.maxAgeSeconds) } satisfies Kept,
          freshUntil: until,
          staleUntil: until,
          tags: policy.tags,
        },
        body.length + key.length,
      );
    },

    dropTags: (tags) => {
      memory.dropTags(tags);
    },
    memory,
  };
}
