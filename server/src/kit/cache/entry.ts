import superjson from 'superjson';

/** What the cache keeps per key: a value (or a remembered absence) and its times. */
export interface Entry {
  kind: 'value' | 'absent';
  value: unknown;
  freshUntil: number;
  staleUntil: number;
  tags: string[];
}

/** An entry as text, for the shared tier and for sizing (superjson keeps Dates and Maps). */
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
