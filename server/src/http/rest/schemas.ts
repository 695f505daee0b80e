import type { z } from 'zod';
import { jsonSchemaOf, type JsonSchema } from '../../contract/snapshot.js';
import type { AppRouter } from '../../router.js';

/** What the REST face needs of a procedure: its type, and its input and output as JSON Schemas. */
export interface ProcedureSchemas {
  type: 'query' | 'mutation' | 'subscription';
  /** The input's fields (none for a procedure that takes no input) and which are required. */
  input: { properties: Record<string, JsonSchema>; required: string[] };
  output: JsonSchema;
}

interface ProcedureDef {
  inputs: z.core.$ZodType[];
  output?: z.core.$ZodType;
  type: ProcedureSchemas['type'];
}

/** A procedure's schemas, from the zod schemas it declares (the same as the contract snapshot's). */
export function schemasOf(router: AppRouter, procedure: string): ProcedureSchemas {
  const procedures = router._def.procedures as unknown as Record<string, { _def: ProcedureDef }>;
  const def = procedures[procedure]?._def;
  if (!def?.output) throw new Error(`the REST face names ${procedure}, which has no output schema`);
  const [inputSchema] = def.inputs;
  const input = inputSchema ? jsonSchemaOf(inputSchema, 'input') : {};
  return {
    type: def.type,
    input: {
      properties: (input.properties ?? {}) as Record<string, JsonSchema>,
      required: (input.required ?? []) as string[],
    },
    output: jsonSchemaOf(def.output, 'output'),
  };
}

/** Whether a field's values are numbers (a query string's `"2"` is then taken as 2). */
export const isNumeric = (field: JsonSchema | undefined): boolean =>
  field?.type === 'integer' || field?.type === 'number';
