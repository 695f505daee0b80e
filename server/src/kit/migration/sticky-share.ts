/**
 * A share of callers, chosen by a stable hash of each caller's key: the same key gives the same
 * answer in every process and after every restart (no shared state), and raising the percentage
 * only adds callers to the share (a caller's bucket never changes; the bar only rises).
 */

const BUCKETS = 10_000;

/** A caller's bucket, 0 to 9,999: FNV-1a (32 bits) of the key's UTF-16 code units, then murmur3's finalizer for an even spread. */
export function bucketOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) % BUCKETS;
}

/** Whether the caller with this key is among `percent` (0 to 100, hundredths count) of all callers. */
export function inShare(key: string, percent: number): boolean {
  return bucketOf(key) < Math.round(percent * (BUCKETS / 100));
}
