import { COMPRESS_MIN_BYTES, encodeBody, type ContentEncoding } from '@storefront/server';

/** What compressing an answer costs, measured in this process on a real answer's bytes. */
export interface CompressionCost {
  /** The answer measured: a product page as the BFF sends it. */
  bytes: number;
  /** Answers smaller than this are never compressed. */
  minBytes: number;
  /** CPU µs to compress it once, and its compressed size, per encoding. */
  encodings: Record<ContentEncoding, { micros: number; bytes: number }>;
}

/** CPU µs per call of `fn`, after a warm-up, from the process's own CPU time. */
function cpuMicrosPer(fn: () => void, times: number): number {
  for (let i = 0; i < times / 4; i += 1) fn();
  const before = process.cpuUsage();
  for (let i = 0; i < times; i += 1) fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / times;
}

/**
 * The cost of compressing one answer with each encoding the BFF offers, as it compresses them
 * (one call on the whole body). A kept public answer pays it once per encoding, not per hit.
 */
export function measureCompressionCost(answer: Buffer, times = 2_000): CompressionCost {
  const encodings = {} as CompressionCost['encodings'];
  for (const encoding of ['br', 'gzip'] as const) {
    encodings[encoding] = {
      micros: cpuMicrosPer(() => encodeBody(answer, encoding), times),
      bytes: encodeBody(answer, encoding).length,
    };
  }
  return { bytes: answer.length, minBytes: COMPRESS_MIN_BYTES, encodings };
}
