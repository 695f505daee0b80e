import { NO_INPUT, type ContractSnapshot, type JsonSchema } from './snapshot.js';

/** What a change does to a client built against the snapshot. */
export type ChangeKind = 'breaking' | 'addition' | 'compatible';

export interface ContractChange {
  kind: ChangeKind;
  procedure: string;
  /** `input`, `output` or the procedure itself. */
  side: 'input' | 'output' | 'procedure';
  /** The field: `product.price.current`; empty for the whole input or output. */
  field: string;
  what: string;
}

export type Bump = 'major' | 'minor' | 'patch';

type Side = 'input' | 'output';

const isSchema = (value: unknown): value is JsonSchema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const NULL_TYPE = (s: JsonSchema): boolean => s.type === 'null';

/** A schema without its `null` alternative, and whether it had one. */
function splitNull(schema: JsonSchema): { nullable: boolean; schema: JsonSchema } {
  const anyOf = Array.isArray(schema.anyOf) ? schema.anyOf.filter(isSchema) : undefined;
  if (anyOf?.some(NULL_TYPE)) {
    const rest = anyOf.filter((s) => !NULL_TYPE(s));
    const { anyOf: _, ...outer } = schema;
    return {
      nullable: true,
      schema: rest.length === 1 && rest[0] ? { ...outer, ...rest[0] } : { ...outer, anyOf: rest },
    };
  }
  if (Array.isArray(schema.type) && schema.type.includes('null')) {
    const types = schema.type.filter((t) => t !== 'null');
    return { nullable: true, schema: { ...schema, type: types.length === 1 ? types[0] : types } };
  }
  return { nullable: false, schema };
}

/** What kind of value a schema describes: `object`, `string`, `Date`, `union`… (`any` when unsaid). */
function kindOf(schema: JsonSchema): string {
  // A deferred field is a promise on the client: becoming one, or ceasing to, changes its type.
  if (schema['x-deferred'] === true) {
    const { 'x-deferred': _, ...resolved } = schema;
    return `Promise<${kindOf(resolved)}>`;
  }
  if (typeof schema['x-type'] === 'string') return schema['x-type'];
  if (Array.isArray(schema.anyOf) || Array.isArray(schema.oneOf)) return 'union';
  if (typeof schema.type === 'string')
    return typeof schema.format === 'string' ? `${schema.type}:${schema.format}` : schema.type;
  if (Array.isArray(schema.type)) return schema.type.join('|');
  if ('const' in schema || Array.isArray(schema.enum)) return 'enum';
  return 'any';
}

/** The allowed values of an enum or constant, or null when the schema has none. */
function valuesOf(schema: JsonSchema): unknown[] | null {
  if (Array.isArray(schema.enum)) return schema.enum as unknown[];
  if ('const' in schema) return [schema.const];
  return null;
}

const requiredOf = (schema: JsonSchema): Set<string> =>
  new Set(
    Array.isArray(schema.required) ? schema.required.filter((r) => typeof r === 'string') : [],
  );

const propertiesOf = (schema: JsonSchema): Record<string, JsonSchema> =>
  isSchema(schema.properties) ? (schema.properties as Record<string, JsonSchema>) : {};

const label = (field: string): string => (field === '' ? 'the whole value' : `'${field}'`);
const join = (field: string, key: string): string => (field === '' ? key : `${field}.${key}`);

/** Bounds where a larger value is stricter for an input, and where a smaller one is. */
const LOWER_BOUNDS = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems'] as const;
const UPPER_BOUNDS = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems'] as const;

/**
 * The changes between two versions of one input or output schema, classified for a client built
 * against the old one: an output may narrow but not widen (a removed field, a new enum value, a
 * new null, a changed type break it); an input may widen but not narrow (a new required field, a
 * removed enum value, a tighter bound, a removed field of a strict object break it).
 */
export function compareSchemas(
  before: JsonSchema,
  after: JsonSchema,
  side: Side,
  field = '',
): Omit<ContractChange, 'procedure'>[] {
  const changes: Omit<ContractChange, 'procedure'>[] = [];
  const add = (kind: ChangeKind, where: string, what: string): void => {
    changes.push({ kind, side, field: where, what });
  };
  const old = splitNull(before);
  const now = splitNull(after);
  if (old.nullable !== now.nullable) {
    if (now.nullable)
      add(side === 'output' ? 'breaking' : 'addition', field, `${label(field)} may now be null`);
    else
      add(
        side === 'input' ? 'breaking' : 'compatible',
        field,
        `${label(field)} may no longer be null`,
      );
  }
  const a = old.schema;
  const b = now.schema;
  const kindA = kindOf(a);
  const kindB = kindOf(b);
  if (kindA !== kindB) {
    // An integer input may become any number; a number output may become an integer.
    const widened =
      (side === 'input' && kindA === 'integer' && kindB === 'number') ||
      (side === 'output' && kindA === 'number' && kindB === 'integer') ||
      (side === 'input' && kindB === 'any') ||
      (side === 'output' && kindA === 'any');
    add(
      widened ? 'compatible' : 'breaking',
      field,
      `${label(field)} changed from ${kindA} to ${kindB}`,
    );
    return changes;
  }

  const valuesA = valuesOf(a);
  const valuesB = valuesOf(b);
  if (valuesA && valuesB) {
    const added = valuesB.filter(
      (v) => !valuesA.some((w) => JSON.stringify(w) === JSON.stringify(v)),
    );
    const removed = valuesA.filter(
      (v) => !valuesB.some((w) => JSON.stringify(w) === JSON.stringify(v)),
    );
    const list = (values: unknown[]): string => values.map((v) => JSON.stringify(v)).join(', ');
    if (added.length > 0)
      add(
        side === 'output' ? 'breaking' : 'addition',
        field,
        `${label(field)} may now be ${list(added)}`,
      );
    if (removed.length > 0)
      add(
        side === 'input' ? 'breaking' : 'compatible',
        field,
        `${label(field)} may no longer be ${list(removed)}`,
      );
  }

  if (kindA === 'union' && JSON.stringify(a) !== JSON.stringify(b))
    add('breaking', field, `${label(field)}: its alternatives changed`);

  if (side === 'input') {
    for (const bound of LOWER_BOUNDS) {
      const x = a[bound];
      const y = b[bound];
      if (x !== y && typeof y === 'number' && (typeof x !== 'number' || y > x))
        add('breaking', field, `${label(field)}: ${bound} raised to ${String(y)}`);
    }
    for (const bound of UPPER_BOUNDS) {
      const x = a[bound];
      const y = b[bound];
      if (x !== y && typeof y === 'number' && (typeof x !== 'number' || y < x))
        add('breaking', field, `${label(field)}: ${bound} lowered to ${String(y)}`);
    }
    if (a.pattern !== b.pattern && b.pattern !== undefined)
      add(
        'breaking',
        field,
        `${label(field)}: its pattern changed to ${JSON.stringify(b.pattern)}`,
      );
  }

  if (kindA === 'object' || kindA === 'Promise<object>') {
    const propsA = propertiesOf(a);
    const propsB = propertiesOf(b);
    const requiredA = requiredOf(a);
    const requiredB = requiredOf(b);
    for (const key of Object.keys(propsA)) {
      const where = join(field, key);
      const next = propsB[key];
      if (!next) {
        if (side === 'output') add('breaking', where, `output field '${where}' removed`);
        else if (a.additionalProperties === false)
          add(
            'breaking',
            where,
            `input field '${where}' removed (inputs are strict: clients sending it are refused)`,
          );
        else add('compatible', where, `input field '${where}' removed (it is ignored)`);
        continue;
      }
      const wasRequired = requiredA.has(key);
      const isRequired = requiredB.has(key);
      if (wasRequired && !isRequired)
        add(side === 'output' ? 'breaking' : 'addition', where, `'${where}' is now optional`);
      if (!wasRequired && isRequired)
        add(side === 'input' ? 'breaking' : 'compatible', where, `'${where}' is now required`);
      const prop = propsA[key];
      if (prop) changes.push(...compareSchemas(prop, next, side, where));
    }
    for (const key of Object.keys(propsB)) {
      if (key in propsA) continue;
      const where = join(field, key);
      if (side === 'input' && requiredB.has(key))
        add('breaking', where, `new required input field '${where}'`);
      else
        add(
          'addition',
          where,
          `new ${side} field '${where}'${side === 'input' ? ' (optional)' : ''}`,
        );
    }
    const restA = a.additionalProperties;
    const restB = b.additionalProperties;
    if (isSchema(restA) && isSchema(restB))
      changes.push(...compareSchemas(restA, restB, side, join(field, '*')));
  }

  if (kindA === 'array' && isSchema(a.items) && isSchema(b.items))
    changes.push(...compareSchemas(a.items, b.items, side, join(field, '[]')));
  return changes;
}

const takesNoInput = (schema: JsonSchema): boolean =>
  JSON.stringify(schema) === JSON.stringify(NO_INPUT);
/** The input of a procedure that takes none, compared as an object without fields. */
const NOTHING: JsonSchema = { type: 'object', properties: {} };

/** Every change from one snapshot to the next, procedures removed and added included. */
export function compareContracts(
  before: ContractSnapshot,
  after: ContractSnapshot,
): ContractChange[] {
  const changes: ContractChange[] = [];
  for (const [procedure, old] of Object.entries(before)) {
    const now = after[procedure];
    if (!now) {
      changes.push({
        kind: 'breaking',
        procedure,
        side: 'procedure',
        field: '',
        what: `procedure ${procedure} removed`,
      });
      continue;
    }
    for (const side of ['input', 'output'] as const) {
      // A procedure that took no input takes an object of no fields, as far as its clients go.
      const before = side === 'input' && takesNoInput(old.input) ? NOTHING : old[side];
      if (side === 'input' && takesNoInput(now.input)) {
        if (!takesNoInput(old.input))
          changes.push({
            kind: 'compatible',
            procedure,
            side,
            field: '',
            what: 'the input is now ignored',
          });
        continue;
      }
      for (const change of compareSchemas(before, now[side], side))
        changes.push({ procedure, ...change });
    }
  }
  for (const procedure of Object.keys(after))
    if (!(procedure in before))
      changes.push({
        kind: 'addition',
        procedure,
        side: 'procedure',
        field: '',
        what: `new procedure ${procedure}`,
      });
  return changes;
}

/** The release a client needs for these changes. */
export function bumpFor(changes: readonly ContractChange[]): Bump {
  if (changes.some((c) => c.kind === 'breaking')) return 'major';
  if (changes.some((c) => c.kind === 'addition')) return 'minor';
  return 'patch';
}

/** `version` after a release of this kind (semver: 1.4.2 → 2.0.0, 1.5.0 or 1.4.3). */
export function nextVersion(version: string, bump: Bump): string {
  const [major = 0, minor = 0, patch = 0] = version.split(/[.-]/).map(Number);
  if (bump === 'major') return `${String(major + 1)}.0.0`;
  if (bump === 'minor') return `${String(major)}.${String(minor + 1)}.0`;
  return `${String(major)}.${String(minor)}.${String(patch + 1)}`;
}
