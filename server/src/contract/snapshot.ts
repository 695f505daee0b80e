import { resolvedSchemaOf } from '@storefront/shared';
import { z } from 'zod';
import type { AppRouter } from '../router.js';

/** A JSON Schema, as zod writes it. */
export type JsonSchema = Record<string, unknown>;

/** Every procedure's input and output, as JSON Schemas, by procedure path. */
export type ContractSnapshot = Record<string, { input: JsonSchema; output: JsonSchema }>;

/** The input schema of a procedure that takes none: any input is ignored. */
export const NO_INPUT: JsonSchema = { description: 'takes no input' };

/**
 * Types JSON cannot express, spelled out: a `Date` travels as an ISO 8601 string (superjson
 * restores the Date; the REST face sends the string), marked `"x-type": "Date"` so that a change
 * from a Date to a string shows; a deferred field (a promise, streamed after the rest of the
 * answer) is its resolved schema marked `"x-deferred": true`.
 */
const unrepresentableFor =
  (io: 'input' | 'output') =>
  ({ zodSchema }: { zodSchema: z.core.$ZodType }): JsonSchema | 'throw' => {
    if (zodSchema._zod.def.type === 'date')
      return { type: 'string', format: 'date-time', 'x-type': 'Date' };
    const resolved = resolvedSchemaOf(zodSchema);
    if (resolved) return { ...jsonSchemaOf(resolved, io), 'x-deferred': true };
    return 'throw';
  };

/** A zod schema's JSON Schema, as a client sends it (`input`) or receives it (`output`). */
export function jsonSchemaOf(schema: z.core.$ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, {
    io,
    unrepresentable: unrepresentableFor(io),
    reused: 'inline',
    cycles: 'throw',
  });
  const { $schema: _, ...rest } = json as JsonSchema;
  return rest;
}

interface ProcedureDef {
  inputs: z.core.$ZodType[];
  output?: z.core.$ZodType;
  type: 'query' | 'mutation' | 'subscription';
}

/** The router's contract: one input and one output schema per procedure, by path. */
export function contractOf(router: AppRouter): ContractSnapshot {
  const procedures = router._def.procedures as unknown as Record<string, { _def: ProcedureDef }>;
  const snapshot: ContractSnapshot = {};
  for (const path of Object.keys(procedures).sort()) {
    const def = procedures[path]?._def;
    if (!def) continue;
    if (!def.output) throw new Error(`${path} declares no output schema: the contract needs one`);
    if (def.inputs.length > 1)
      throw new Error(`${path} has ${String(def.inputs.length)} input schemas`);
    const [input] = def.inputs;
    snapshot[path] = {
      input: input ? jsonSchemaOf(input, 'input') : NO_INPUT,
      output: jsonSchemaOf(def.output, 'output'),
    };
  }
  return snapshot;
}
