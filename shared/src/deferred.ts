import { z } from 'zod';

/** Each deferred schema's resolved schema, for the contract snapshot (`"x-deferred": true`). */
const resolvedSchemas = new WeakMap<z.core.$ZodType, z.core.$ZodType>();

/**
 * A field that is a promise of `resolved`: over a streaming link it arrives after the rest of the
 * answer, in the same response; over a non-streaming one the answer waits for it, and the field
 * holds its resolved value (`await` works on both). The server checks the resolved value itself.
 */
export function deferred<T extends z.ZodType>(resolved: T): z.ZodType<Promise<z.output<T>>> {
  const schema = z.custom<Promise<z.output<T>>>(
    (value) => value instanceof Promise || resolved.safeParse(value).success,
    { error: 'expected a promise or its resolved value' },
  );
  resolvedSchemas.set(schema, resolved);
  return schema;
}

/** The resolved schema of a deferred field's schema, or undefined for any other schema. */
export const resolvedSchemaOf = (schema: z.core.$ZodType): z.core.$ZodType | undefined =>
  resolvedSchemas.get(schema);
