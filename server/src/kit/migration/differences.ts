import { dequal } from 'dequal';
import diff from 'microdiff';

/** One field that two answers to the same question hold differently. */
export interface Difference {
  /** Where: `product.name`, `availability[000123].warehouses.BER`, `search.items[3].sku`. */
  path: string;
  /** The value in the answer that was served (undefined: absent). */
  primary: unknown;
  /** The value in the shadow's answer (undefined: absent). */
  shadow: unknown;
}

/**
 * The fields in which two plain values differ, each with its path and both values (microdiff,
 * which compares Dates by their time). A key is written as it is, so a key that names an item
 * (`product[000123]`) stays readable in the path; array indexes as `[n]`.
 */
export function differences(
  primary: Readonly<Record<string, unknown>>,
  shadow: Readonly<Record<string, unknown>>,
): Difference[] {
  // Equal answers are the rule: a plain equality first (dequal, Dates by their time),
  // the paths only when something differs (microdiff is several times slower).
  if (dequal(primary, shadow)) return [];
  return diff(primary, shadow, { cyclesFix: false }).map((change): Difference => {
    const before: unknown = change.type === 'CREATE' ? undefined : change.oldValue;
    const after: unknown = change.type === 'REMOVE' ? undefined : change.value;
    return {
      path: change.path
        .map((part, i) =>
          typeof part === 'number' ? `[${String(part)}]` : i === 0 ? part : `.${part}`,
        )
        .join(''),
      primary: before,
      shadow: after,
    };
  });
}

/** A value as a log line shows it: JSON (a Date as its ISO string), `absent`, cut at `maxChars`. */
export function shown(value: unknown, maxChars = 120): string {
  if (value === undefined) return 'absent';
  const text = JSON.stringify(value);
  return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
}

/** `path: primary ≠ shadow`, as a mismatch's log line lists it. */
export const describeDifference = (difference: Difference): string =>
  `${difference.path}: ${shown(difference.primary)} ≠ ${shown(difference.shadow)}`;
