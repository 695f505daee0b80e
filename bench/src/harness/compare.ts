/** Where two JSON values first differ (a path like `json.product.name`), or undefined when they are equal. */
export function firstDifference(a: unknown, b: unknown, path = '$'): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}.length (${a.length} ≠ ${b.length})`;
    for (let i = 0; i < a.length; i += 1) {
      const difference = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (difference) return difference;
    }
    return undefined;
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of [...keys].sort()) {
      const difference = firstDifference(a[key], b[key], `${path}.${key}`);
      if (difference) return difference;
    }
    return undefined;
  }
  return `${path} (${JSON.stringify(a)} ≠ ${JSON.stringify(b)})`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The business data of a tRPC answer: the superjson envelope's json and meta, with what is
 * ordering-insensitive sorted (warehouses by code).
 */
export function businessData(body: unknown): unknown {
  const clone: unknown = structuredClone(body);
  const json =
    isRecord(clone) && isRecord(clone.result) && isRecord(clone.result.data)
      ? clone.result.data
      : clone;
  const availability =
    isRecord(json) && isRecord(json.json) && isRecord(json.json.availability)
      ? json.json.availability
      : undefined;
  if (availability && Array.isArray(availability.warehouses)) {
    availability.warehouses.sort((x: unknown, y: unknown) =>
      String(isRecord(x) ? x.code : '').localeCompare(String(isRecord(y) ? y.code : '')),
    );
  }
  return json;
}
