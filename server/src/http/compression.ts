import type { ServerResponse } from 'node:http';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/**
 * Answers over 1 KiB are compressed (br or gzip) when the client's `Accept-Encoding` allows it.
 * An answer the BFF sends whole is compressed in one call once it is complete (no zlib stream per
 * answer); a kept public answer keeps its compressed bytes, so a hit does not compress again.
 * Streamed answers are sent as they are: their parts must leave as soon as they are ready.
 */

export type ContentEncoding = 'br' | 'gzip';

/** Smaller answers are sent as they are: compressing them saves too little to pay for itself. */
export const COMPRESS_MIN_BYTES = 1024;

/** br at quality 4 when a client prefers br (11, zlib's default, is far slower still). */
const BROTLI_QUALITY = 4;

/**
 * The encoding to answer with, from `Accept-Encoding`: br or gzip, whichever has the higher
 * q-value, `*` standing for both when they are not named; none when neither is acceptable
 * (`identity`, `q=0`, or no header). On a tie gzip: on a product page (2.6 KB) br at quality 4
 * saved 3 % more bytes for 2.7 times gzip's CPU (the bench's "What compression costs").
 */
export function negotiateEncoding(
  header: string | string[] | undefined,
): ContentEncoding | undefined {
  if (typeof header !== 'string' || header === '') return undefined;
  let br: number | undefined;
  let gzip: number | undefined;
  let any: number | undefined;
  for (const part of header.split(',')) {
    const [name = '', ...parameters] = part.split(';').map((piece) => piece.trim().toLowerCase());
    let q = 1;
    for (const parameter of parameters) {
      const value = /^q\s*=\s*(.*)$/.exec(parameter)?.[1];
      // A q-value is 0 to 1 with up to three decimals; a coding with another is left out.
      if (value !== undefined)
        q = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(value) ? Number(value) : -1;
    }
    if (q < 0) continue;
    if (name === 'br') br = q;
    else if (name === 'gzip' || name === 'x-gzip') gzip = q;
    else if (name === '*') any = q;
  }
  const brQ = br ?? any ?? 0;
  const gzipQ = gzip ?? any ?? 0;
  if (brQ <= 0 && gzipQ <= 0) return undefined;
  return brQ > gzipQ ? 'br' : 'gzip';
}

/** A whole body, compressed. */
export function encodeBody(body: Buffer, encoding: ContentEncoding): Buffer {
  return encoding === 'br'
    ? brotliCompressSync(body, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
          [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
        },
      })
    : gzipSync(body);
}

/** Adds `Accept-Encoding` to the answer's `Vary` (CORS may have put `Origin` there). */
export function varyByEncoding(res: ServerResponse): void {
  const vary = res.getHeader('vary');
  const current = typeof vary === 'string' ? vary : Array.isArray(vary) ? vary.join(', ') : '';
  if (!/(^|,)\s*accept-encoding\s*(,|$)/i.test(current))
    res.setHeader('vary', current ? `${current}, Accept-Encoding` : 'Accept-Encoding');
}

type Chunk = string | Uint8Array;
type Callback = (error?: Error | null) => void;

/**
 * Hears a whole body as it leaves: its bytes as written, and compressed when they were (the
 * encoding the answer was sent with).
 */
export type BodyListener = (plain: Buffer, encoded: Buffer | undefined) => void;

/**
 * Makes `res` send its body whole at `end`: compressed with `encoding` when it reaches
 * COMPRESS_MIN_BYTES (what is written is held until then), with `content-length`, and with
 * `Accept-Encoding` in `Vary` whether or not it was compressed (what tRPC sets there is kept). For
 * answers written with `setHeader`, not `writeHead`: tRPC's non-streamed answers, the REST face's.
 * `onBody` hears the body just before it is sent.
 */
export function compressWhenEnded(
  res: ServerResponse,
  encoding: ContentEncoding | undefined,
  onBody?: BodyListener,
): void {
  const chunks: Buffer[] = [];
  const write = res.write.bind(res) as (chunk: Chunk, callback?: Callback) => boolean;
  const end = res.end.bind(res) as (chunk?: Chunk, callback?: () => void) => ServerResponse;
  // Held without copying: a kept answer's bytes pass through as they are.
  const hold = (chunk: unknown): void => {
    if (typeof chunk === 'string') chunks.push(Buffer.from(chunk));
    else if (chunk instanceof Uint8Array)
      chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  };
  const callbackOf = (...args: unknown[]): Callback | undefined =>
    args.find((arg): arg is Callback => typeof arg === 'function');
  Object.assign(res, {
    write(chunk: unknown, ...rest: unknown[]): boolean {
      if (res.headersSent) return write(chunk as Chunk, callbackOf(...rest));
      hold(chunk);
      callbackOf(...rest)?.();
      return true;
    },
    end(chunk?: unknown, ...rest: unknown[]): ServerResponse {
      const done = callbackOf(chunk, ...rest);
      if (typeof chunk !== 'function') hold(chunk);
      const plain: Buffer = chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks);
      // Written with writeHead (a kept answer, compressed already if it was to be): as it is.
      if (res.headersSent) return end(plain, done);
      varyByEncoding(res);
      let encoded: Buffer | undefined;
      if (encoding && plain.length >= COMPRESS_MIN_BYTES && !res.hasHeader('content-encoding')) {
        encoded = encodeBody(plain, encoding);
        res.setHeader('content-encoding', encoding);
      }
      const body = encoded ?? plain;
      res.setHeader('content-length', body.length);
      onBody?.(plain, encoded);
      return end(body, done);
    },
  });
}
