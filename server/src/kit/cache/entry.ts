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
 * Strings at least this long may be slices of the text they were cut from (V8 copies shorter
 * substrings, and makes longer ones views on their parent).
 */
const SLICE_MIN_LENGTH = 13;

/**
 * A string with the same text that is not a view on another: the one-character concatenation is
 * written out into a string of its own when it is sliced, and the slice then points into that.
 */
const ownString = (text: string): string => (' ' + text).slice(1);

/**
 * Makes every string of a value its own, in place, and answers about the length of the value
 * written as JSON (what an entry counts against the cache's bound) in the same walk.
 *
 * The memory tier keeps values as they were loaded, for as long as their entries live. Strings an
 * upstream parser cut from a whole answer (fast-xml-parser's values are slices of the SOAP text)
 * would keep that whole answer alive with them, many times the entry's size: each string long
 * enough to be a slice is replaced by a copy with the same text, which nobody can tell from it.
 * Copying only the strings costs a small part of copying the whole value (structuredClone did that
 * before: every object made again, as new garbage for the GC); the walk was needed for the length.
 */
export function ownStringsAndLength(value: unknown): number {
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
        const items = value as unknown[];
        for (let i = 0; i < items.length; i += 1) {
          const item = items[i];
          if (typeof item === 'string' && item.length >= SLICE_MIN_LENGTH)
            items[i] = ownString(item);
          length += ownStringsAndLength(item) + 1;
        }
        return length;
      }
      if (value instanceof Map) {
        const map = value as Map<unknown, unknown>;
        for (const [key, item] of map) {
          if (typeof item === 'string' && item.length >= SLICE_MIN_LENGTH)
            map.set(key, ownString(item));
          length += ownStringsAndLength(key) + ownStringsAndLength(item) + 2;
        }
        return length;
      }
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record);
      for (let i = 0; i < keys.length; i += 1) {
        const key = keys[i] ?? '';
        const item = record[key];
        if (typeof item === 'string' && item.length >= SLICE_MIN_LENGTH)
          record[key] = ownString(item);
        length += key.length + 2 + ownStringsAndLength(item) + 2;
      }
      return length;
    }
    default:
      return 0;
  }
}

/**
 * An entry as the memory tier keeps it, and the length it counts: the entry itself with its
 * strings made its own (ownStringsAndLength). One that cannot be changed in place (a frozen
 * record) is kept as a copy made through its text instead, whose strings are all new; undefined
 * when even that fails.
 */
export function keepable(entry: Entry): { entry: Entry; length: number } | undefined {
  try {
    return { entry, length: ownStringsAndLength(entry) };
  } catch {
    try {
      const text = serializeEntry(entry);
      const copy = parseEntry(text);
      return copy && { entry: copy, length: text.length };
    } catch {
      return undefined;
    }
  }
}
