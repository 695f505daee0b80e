import superjson from 'superjson';

/** What the cache keeps per key: a value (or a remembered absence) and its times. */
export interface Entry {
  kind: 'value' | 'absent';
  value: unknown;
  freshUntil: number;
  staleUntil: number;
  tags: readonly string[];
}

/**
 * The tags of an entry that has none: one array shared by all of them (most entries have no
 * tags, and an empty array of its own is 32 bytes per entry).
 */
export const NO_TAGS: readonly string[] = Object.freeze([]);

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

/** Where a value holds a Date: the keys from its root. */
type Path = readonly (string | number)[];

/** An entry as the memory tier keeps it (keep). */
export interface KeptEntry {
  kind: Entry['kind'];
  /** The value as JSON text, when JSON gives it back (with its Dates, put back at `dates`). */
  text: string | undefined;
  /**
   * Where the text's value holds Dates (written as their ISO text): undefined when nowhere; a
   * string when its only Date is that field of the root record (the usual case: `modifiedAt`; the
   * string is the record's own key, shared by every entry, where a path would be two arrays per
   * entry); else their paths.
   */
  dates: string | readonly Path[] | undefined;
  /** The value itself when it has no text: as it was loaded, with strings of its own. */
  value: unknown;
  freshUntil: number;
  staleUntil: number;
  tags: readonly string[];
}

/**
 * What the memory tier counts per character of a value kept as loaded (objects, not text):
 * about what such values take in the heap per character of their JSON (measured on product
 * pages: 2.3).
 */
const OBJECT_BYTES_PER_CHAR = 2.3;

/**
 * An entry as the memory tier keeps it, and the bytes its value takes there; undefined when it
 * cannot be kept.
 *
 * A value JSON gives back (records, arrays, strings, finite numbers, booleans, null, and Dates,
 * whose places are noted) is kept as its JSON text. A full cache holds tens of thousands of
 * entries: as objects, each is dozens of small objects in the old generation, which every full
 * collection traces and which eviction frees a few at a time across the heap's pages (V8 keeps
 * the pages: measured under fresh SKUs, 132 MB live in 270 MB committed). As text, each is one
 * string the collector does not look into, at one byte per character for Latin-1 text, against
 * about 2.3 as objects. JSON.stringify makes the text, so nothing in it is a slice of an
 * upstream's answer. Every read parses it again (a few microseconds for a product) and so gets a
 * value of its own.
 *
 * Any other value (a Map, undefined in a record, a class's instance) is kept as loaded, its
 * strings made its own (ownStringsAndLength); a frozen one is copied through superjson's text.
 */
export function keep(entry: Entry): { kept: KeptEntry; bytes: number } | undefined {
  const { kind, value, freshUntil, staleUntil, tags } = entry;
  const kept = (
    text: string | undefined,
    dates: KeptEntry['dates'],
    loaded: unknown,
  ): KeptEntry => ({ kind, text, dates, value: loaded, freshUntil, staleUntil, tags });
  if (kind === 'absent') return { kept: kept(undefined, undefined, value), bytes: 0 };
  const dates: Path[] = [];
  if (jsonGivesBack(value, [], dates)) {
    const text = JSON.stringify(value);
    const noted = notedDates(dates);
    return {
      kept: kept(text, noted, undefined),
      bytes:
        (BEYOND_LATIN1.test(text) ? 2 * text.length : text.length) +
        (typeof noted === 'object' ? pathsBytes(noted) : 0),
    };
  }
  try {
    const bytes = Math.ceil(ownStringsAndLength(value) * OBJECT_BYTES_PER_CHAR);
    return { kept: kept(undefined, undefined, value), bytes };
  } catch {
    try {
      const copy = parseEntry(serializeEntry(entry));
      if (!copy) return undefined;
      const bytes = Math.ceil(ownStringsAndLength(copy.value) * OBJECT_BYTES_PER_CHAR);
      return { kept: kept(undefined, undefined, copy.value), bytes };
    } catch {
      return undefined;
    }
  }
}

/** The Dates' paths as a kept entry notes them (see KeptEntry.dates). */
function notedDates(paths: readonly Path[]): KeptEntry['dates'] {
  const [only] = paths;
  if (paths.length === 1 && only?.length === 1 && typeof only[0] === 'string') return only[0];
  return paths.length > 0 ? paths : undefined;
}

/**
 * What noted paths take: an array of them, and each an array of its keys (a JavaScript array is
 * 32 bytes and its elements 16 plus 8 each).
 */
const pathsBytes = (paths: readonly Path[]): number =>
  paths.reduce((sum, path) => sum + 8 + 48 + 8 * path.length, 48);

/** A kept entry as the cache answers it: its value read back from its text (a value of its own). */
export function entryOfKept(kept: KeptEntry): Entry {
  const { kind, text, dates, freshUntil, staleUntil, tags } = kept;
  let value = kept.value;
  if (text !== undefined) {
    value = JSON.parse(text);
    if (typeof dates === 'string') {
      const record = value as Record<string, unknown>;
      record[dates] = new Date(record[dates] as string);
    } else if (dates) for (const path of dates) value = withDate(value, path);
  }
  return { kind, value, freshUntil, staleUntil, tags };
}

/** Puts the Date back whose ISO text is at `path` in `root` (the root itself when the path is empty). */
function withDate(root: unknown, path: Path): unknown {
  if (path.length === 0) return new Date(root as string);
  let parent = root as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i += 1)
    parent = parent[path[i] ?? ''] as Record<string | number, unknown>;
  const last = path[path.length - 1] ?? '';
  parent[last] = new Date(parent[last] as string);
  return root;
}

/** A character V8 cannot keep in a one-byte string: such text takes two bytes per character. */
const BEYOND_LATIN1 = /[\u0100-\uffff]/;

/**
 * Whether JSON.parse(JSON.stringify(value)) gives value back, once its Dates are put back at the
 * paths this adds to `dates`: records (of Object's own prototype, with no undefined fields), arrays
 * with no holes, strings, finite numbers (not -0), booleans, null and valid Dates.
 */
export function jsonGivesBack(value: unknown, path: (string | number)[], dates: Path[]): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (Array.isArray(value)) {
        const items = value as unknown[];
        for (let i = 0; i < items.length; i += 1) {
          path.push(i);
          const ok = jsonGivesBack(items[i], path, dates);
          path.pop();
          if (!ok) return false;
        }
        return true;
      }
      const prototype: unknown = Object.getPrototypeOf(value);
      if (prototype === Date.prototype) {
        if (Number.isNaN((value as Date).getTime()) || Object.keys(value).length > 0) return false;
        dates.push([...path]);
        return true;
      }
      if (prototype !== Object.prototype) return false;
      const record = value as Record<string, unknown>;
      if (typeof record.toJSON === 'function') return false;
      const keys = Object.keys(record);
      for (let i = 0; i < keys.length; i += 1) {
        const key = keys[i] ?? '';
        path.push(key);
        const ok = jsonGivesBack(record[key], path, dates);
        path.pop();
        if (!ok) return false;
      }
      return true;
    }
    default:
      return false;
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
