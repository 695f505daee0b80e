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
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i += 1)
      text += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return `${text}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  // Sorted by UTF-16 code units, as `<` compares.
  if (keys.length > 1) keys.sort();
  let text = '{';
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i] as string;
    text += `${i === 0 ? '' : ','}${JSON.stringify(key)}:${canonicalJson(record[key])}`;
  }
  return `${text}}`;
}

/**
 * The `input` and `batch` parameters of a query string, read as URLSearchParams reads them (the
 * first of each; `+` is a space). Done by hand on a cache hit's path: a query whose names are
 * encoded, or whose values are not valid percent-encoding, is left to URLSearchParams.
 */
function keyParams(query: string): { input: string | null; batch: string | null } {
  let input: string | null = null;
  let batch: string | null = null;
  for (let from = 0; from < query.length;) {
    const amp = query.indexOf('&', from);
    const end = amp === -1 ? query.length : amp;
    const equals = query.indexOf('=', from);
    const nameEnd = equals === -1 || equals > end ? end : equals;
    const name = query.slice(from, nameEnd);
    if (name.includes('%') || name.includes('+')) return fromSearchParams(query);
    if ((name === 'input' && input === null) || (name === 'batch' && batch === null)) {
      const raw = nameEnd === end ? '' : query.slice(nameEnd + 1, end);
      let value: string;
      try {
        value = decodeURIComponent(raw.includes('+') ? raw.replaceAll('+', ' ') : raw);
      } catch {
        return fromSearchParams(query);
      }
      if (name === 'input') input = value;
      else batch = value;
    }
    from = end + 1;
  }
  return { input, batch };
}

function fromSearchParams(query: string): { input: string | null; batch: string | null } {
  const params = new URLSearchParams(query);
  return { input: params.get('input'), batch: params.get('batch') };
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
      const { input, batch } = keyParams(query);
      let canonical = '';
      if (input !== null) {
        try {
          canonical = canonicalJson(JSON.parse(input));
        } catch {
          // Not JSON: tRPC answers that with its error, which is never kept.
          return undefined;
        }
      }
      return `${procedures}\n${batch === '1' ? 'batch' : 'single'}\n${canonical}`;
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
      // What varies the answer: the encoding, and the origin when CORS put that there already.
      if (res.hasHeader('vary')) varyByEncoding(res);
      else headers.vary = 'Accept-Encoding';
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
