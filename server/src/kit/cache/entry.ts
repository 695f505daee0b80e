import superjson from 'superjson';

/** What the cache keeps per key: a value (or a remembered absence) and its times. */
export interface Entry {
  kind: 'value' | 'absent';
  value: unknown;
  freshUntil: number;
  staleUntil: number;
  tags: string[];
}

/** An entry as text, for the shared tier (superjson keeps Dates and Maps). */
export function serializeEntry(entry: Entry): string {
  return superjson.stringify(entry);
}

export function parseEntry(text: string): Entry | undefined {
  try {
    const entry = superjson.parse<Entry>(text);
    return typeof entry.freshUntil === 'number' &&
      typeof entry.staleUntil === 'number' &&
      Array.isArray(entry.tags)
      ? entry
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The entries the memory tier keeps: copies whose strings are their own. Strings an upstream parser
 * cut from a whole answer (fast-xml-parser's values are slices of the SOAP text) would otherwise
 * keep that whole answer alive for as long as the entry lives, many times the entry's size.
 * structuredClone writes every string out and reads it back new (Dates and Maps stay what they
 * are), for about a fifth of the CPU of a superjson round trip; the entries of one load are cloned
 * in one call (a clone has a cost of its own besides its size). A value it cannot clone takes that
 * round trip instead.
 */
export function ownCopies(entries: readonly Entry[]): Entry[] {
  try {
    return structuredClone(entries as Entry[]);
  } catch {
    return entries.map((entry) => {
      try {
        return structuredClone(entry);
      } catch {
        return parseEntry(serializeEntry(entry)) ?? entry;
      }
    });
  }
}

/** About the length of a value written as JSON: what an entry counts against the cache's bound. */
export function textLength(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return value.length + 2;
    case 'number':
    case 'bigint':
      return 8;
    case 'boolean':
      return 5;
    case 'object': {
      if (value === null) return 4;
      if (value instanceof Date) return 26;
      let length = 2;
      if (Array.isArray(value)) {
        for (const item of value as unknown[]) length += textLength(item) + 1;
        return length;
      }
      const entries = value instanceof Map ? value.entries() : Object.entries(value);
      for (const [key, item] of entries) length += textLength(key) + textLength(item) + 2;
      return length;
    }
    default:
      return 0;
  }
}
