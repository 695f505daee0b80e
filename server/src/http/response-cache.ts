import type { IncomingMessage, ServerResponse } from 'node:http';
import { configure } from 'safe-stable-stringify';
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

/** The two faces a kept answer can be written for: tRPC's envelope, or the REST face's plain JSON. */
export type Face = 'trpc' | 'rest';

/**
 * The encoded answers of public queries, kept for their max-age and dropped with the tags of the
 * data they show (a placed order drops the pages of its SKUs at once). A hit is written before
 * any procedure runs: no request conversion, no superjson, no upstream look-up. One call of a
 * procedure with one input is one entry whichever face asked: a REST call and a tRPC call of the
 * same page share it (the REST face's bytes are made from tRPC's the first time it asks).
 */
export interface ResponseCache {
  /**
   * The key of a tRPC request whose answer may be kept: a plain GET (a client asking for a
   * streamed batch gets tRPC), named by its procedures, whether it is a batch, and its input as
   * JSON with sorted keys. Other query parameters do not count (`&_=x` does not bust it).
   * Undefined for anything else. A single call's key is `keyOfCall`'s for the same input.
   */
  keyOf(req: IncomingMessage, procedures: string, query: string): string | undefined;
  /** The key of one call of `procedure` with `input` (the REST face's). */
  keyOfCall(procedure: string, input: unknown): string;
  /**
   * Writes the kept answer of `key` in `face`'s shape, if one is fresh (compressed when `encoding`
   * is given and it is large enough; its compressed bytes are kept beside it for the next hit);
   * true when it did.
   */
  serve(key: string, res: ServerResponse, face: Face, encoding?: ContentEncoding): boolean;
  /**
   * Keeps the answer tRPC sent for `key`: its bytes as tRPC wrote them, whether it answers one call
   * (not a batch), and the same compressed when it was sent so.
   */
  keep(
    key: string,
    answer: {
      trpc: Buffer;
      single: boolean;
      encoding?: ContentEncoding | undefined;
      encoded?: Buffer | undefined;
    },
    policy: PublicAnswer,
  ): void;
  /** Keeps the data a REST call of one procedure answers with; returns its JSON, to be sent. */
  keepData(key: string, data: unknown, policy: PublicAnswer): Buffer;
  dropTags(tags: readonly string[]): void;
  readonly memory: Pick<MemoryTier, 'size' | 'bytes'>;
}

interface Kept {
  /** tRPC's answer, as tRPC writes it (superjson). */
  trpc: Buffer;
  /** The data as plain JSON (Dates as ISO 8601 text): the REST face's answer, once made. */
  json?: Buffer | undefined;
  /** Whether it answers one call (a REST answer can be made from it), not a batch. */
  single: boolean;
  cacheControl: string;
  /** The bodies compressed, by face and encoding, once a hit has asked for them. */
  encoded: {
    trpc?: Partial<Record<ContentEncoding, Buffer>>;
    rest?: Partial<Record<ContentEncoding, Buffer>>;
  };
}

/**
 * JSON with object keys sorted at every level (by UTF-16 code units): one text for one value.
 * safe-stable-stringify (pino's): measured about twice as fast as a hand-written walk on inputs.
 */
const canonicalJson = configure({ deterministic: true, circularValue: Error, bigint: false });

const CONTENT_TYPE: Record<Face, string> = {
  trpc: 'application/json',
  rest: 'application/json; charset=utf-8',
};

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
 * A call's input as tRPC's GET carries it, superjson-encoded: `{"json": input}`. Undefined when it
 * has superjson meta (or is no such object): then its key is tRPC's own.
 */
function plainInputOf(parsed: unknown): { input: unknown } | undefined {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const keys = Object.keys(parsed);
  if (keys.length !== 1 || keys[0] !== 'json') return undefined;
  return { input: (parsed as { json: unknown }).json };
}

const callKey = (procedure: string, input: unknown): string =>
  `${procedure}\ncall\n${input === undefined ? '' : canonicalJson(input)}`;

/**
 * One result as tRPC writes it with the superjson transformer of trpc.ts (`{ result: { data:
 * { json, meta } } }`): the tRPC bytes of an answer the REST face made.
 */
function encodeResult(result: unknown): unknown {
  if (typeof result !== 'object' || result === null || !('result' in result)) return result;
  const { result: inner } = result;
  if (typeof inner !== 'object' || inner === null || !('data' in inner)) return result;
  return { ...result, result: { ...inner, data: superjson.serialize(inner.data) } };
}

/**
 * Bytes that hold nothing but themselves. Node makes a small Buffer (from a string, by
 * Buffer.concat, by zlib) as a view on a shared 8 KiB slab, which a kept view keeps alive whole:
 * kept answers of 2 or 3 KiB each held up to three times what they count. Such a view is copied
 * into memory of its own; anything else is kept as it is.
 */
export function ownBytes(bytes: Buffer): Buffer {
  if (bytes.byteLength === bytes.buffer.byteLength) return bytes;
  // allocUnsafeSlow never takes from the pool (Buffer.copyBytesFrom does, for small sizes).
  const own = Buffer.allocUnsafeSlow(bytes.byteLength);
  bytes.copy(own);
  return own;
}

/** A kept answer whose every body is made of its own bytes (ownBytes). */
function owned(kept: Kept): Kept {
  const ownAll = (
    byEncoding: Partial<Record<ContentEncoding, Buffer>> | undefined,
  ): Partial<Record<ContentEncoding, Buffer>> | undefined => {
    if (!byEncoding) return undefined;
    const own: Partial<Record<ContentEncoding, Buffer>> = {};
    for (const [encoding, bytes] of Object.entries(byEncoding) as [ContentEncoding, Buffer][])
      own[encoding] = ownBytes(bytes);
    return own;
  };
  return {
    ...kept,
    trpc: ownBytes(kept.trpc),
    json: kept.json && ownBytes(kept.json),
    encoded: { trpc: ownAll(kept.encoded.trpc), rest: ownAll(kept.encoded.rest) },
  };
}

function sizeOf(key: string, kept: Kept): number {
  let size = key.length + kept.trpc.length + (kept.json?.length ?? 0);
  for (const byFace of [kept.encoded.trpc, kept.encoded.rest])
    for (const bytes of Object.values(byFace ?? {})) size += bytes.length;
  return size;
}

export function createResponseCache(options: ResponseCacheOptions): ResponseCache {
  const now = options.now ?? Date.now;
  const { observe } = options;
  const memory = createMemoryTier({
    maxBytes: options.maxBytes,
    now,
    onEvict:
      observe &&
      (() => {
        observe.evicted();
      }),
  });

  /**
   * The REST face's bytes of a kept single answer: its data as plain JSON, read back from tRPC's
   * (superjson restores Dates, which JSON writes as ISO 8601 text, as the REST face does).
   */
  const jsonOf = (kept: Kept): Buffer | undefined => {
    if (kept.json || !kept.single) return kept.json;
    const answer = JSON.parse(kept.trpc.toString('utf8')) as {
      result?: { data?: Parameters<typeof superjson.deserialize>[0] };
    };
    const serialized = answer.result?.data;
    if (!serialized) return undefined;
    return Buffer.from(JSON.stringify(superjson.deserialize(serialized)));
  };

  /** Sets `key` to `kept`, fresh for `policy`'s max-age and dropped with its tags. */
  const put = (key: string, answer: Kept, policy: PublicAnswer): void => {
    const until = now() + policy.maxAgeSeconds * 1000;
    const kept = owned(answer);
    memory.set(
      key,
      { kind: 'value', value: kept, freshUntil: until, staleUntil: until, tags: policy.tags },
      sizeOf(key, kept),
    );
  };

  /** The fresh entry under `key`, if any. */
  const fresh = (key: string) => {
    const entry = memory.get(key);
    return entry !== undefined && entry.freshUntil > now() ? entry : undefined;
  };

  return {
    keyOf(req, procedures, query) {
      if (
        req.method !== 'GET' ||
        req.headers['trpc-accept'] !== undefined ||
        (req.headers.accept ?? '').includes('application/jsonl')
      )
        return undefined;
      const { input, batch } = keyParams(query);
      let parsed: unknown;
      if (input !== null) {
        try {
          parsed = JSON.parse(input);
        } catch {
          // Not JSON: tRPC answers that with its error, which is never kept.
          return undefined;
        }
      }
      if (batch !== '1') {
        if (input === null) return callKey(procedures, undefined);
        const plain = plainInputOf(parsed);
        if (plain) return callKey(procedures, plain.input);
      }
      return `${procedures}\n${batch === '1' ? 'batch' : 'single'}\n${input === null ? '' : (canonicalJson(parsed) ?? '')}`;
    },

    keyOfCall: callKey,

    serve(key, res, face, encoding) {
      const entry = fresh(key);
      observe?.lookup(entry ? 'hit' : 'miss');
      if (!entry) return false;
      let kept = entry.value as Kept;
      if (face === 'rest' && !kept.json) {
        const json = jsonOf(kept);
        if (!json) return false;
        // Kept beside tRPC's bytes for the next REST hit, within the bound.
        kept = owned({ ...kept, json });
        memory.set(key, { ...entry, value: kept }, sizeOf(key, kept));
      }
      const plain = face === 'trpc' ? kept.trpc : kept.json;
      if (!plain) return false;
      let body = plain;
      const headers: Record<string, string | number> = {
        'content-type': CONTENT_TYPE[face],
        'cache-control': kept.cacheControl,
        'server-timing': 'cache;desc="hit"',
      };
      // What varies the answer: the encoding, and the origin when CORS put that there already.
      if (res.hasHeader('vary')) varyByEncoding(res);
      else headers.vary = 'Accept-Encoding';
      if (encoding && plain.length >= COMPRESS_MIN_BYTES) {
        let encoded = kept.encoded[face]?.[encoding];
        if (!encoded) {
          encoded = encodeBody(plain, encoding);
          // Kept beside the body, within the bound: the entry is set again at its new size.
          kept = owned({
            ...kept,
            encoded: { ...kept.encoded, [face]: { ...kept.encoded[face], [encoding]: encoded } },
          });
          memory.set(key, { ...entry, value: kept }, sizeOf(key, kept));
        }
        body = encoded;
        headers['content-encoding'] = encoding;
      }
      headers['content-length'] = body.length;
      res.writeHead(200, headers);
      res.end(body);
      return true;
    },

    keep(key, { trpc, single, encoding, encoded }, policy) {
      const cacheControl = publicCacheControl(policy.maxAgeSeconds);
      put(
        key,
        {
          trpc,
          single,
          cacheControl,
          encoded: encoding && encoded ? { trpc: { [encoding]: encoded } } : {},
        },
        policy,
      );
    },

    keepData(key, data, policy) {
      const json = Buffer.from(JSON.stringify(data));
      // tRPC's bytes for the same call, as tRPC writes a query's result.
      const trpc = Buffer.from(JSON.stringify(encodeResult({ result: { data } })));
      const cacheControl = publicCacheControl(policy.maxAgeSeconds);
      put(key, { trpc, json, single: true, cacheControl, encoded: {} }, policy);
      return json;
    },

    dropTags: (tags) => {
      memory.dropTags(tags);
    },
    memory,
  };
}

/**
 * Hands `then` the key of a kept answer for this caller: `key` itself, or, when public answers
 * vary by caller (`variant`: the ERP version the caller is served from while callers are split),
 * `key` and the caller's variant — at once when the caller is known without waiting.
 */
export function keyForCaller(
  key: string,
  variant: ((caller: string) => string) | undefined,
  caller: () => string | Promise<string>,
  then: (key: string) => void,
): void {
  if (!variant) {
    then(key);
    return;
  }
  const known = caller();
  if (typeof known === 'string') then(`${key}\n${variant(known)}`);
  else
    void known.then((client) => {
      then(`${key}\n${variant(client)}`);
    });
}
