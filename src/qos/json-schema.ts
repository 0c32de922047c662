/**
 * A validator for the subset of JSON Schema (draft 2020-12) that schemas/plan.schema.json uses:
 * type (one or several), properties, required, additionalProperties (false or a schema), items,
 * enum, const, minimum, maximum, exclusiveMinimum, minItems, maxItems, minLength, pattern,
 * anyOf, and $ref to "#/$defs/NAME". Annotations ($schema, $id, title, description, $comment)
 * are ignored; any other keyword is refused, so a schema cannot silently ask for more than is
 * checked. The first violation is reported as the path of the field ("front[2].objectives.bytes")
 * and what it must be.
 */
import { InternalError } from '../errors.js';

/** A schema of the supported subset. */
export interface JsonSchema {
  readonly $schema?: string;
  readonly $id?: string;
  readonly $comment?: string;
  readonly title?: string;
  readonly description?: string;
  readonly $defs?: Readonly<Record<string, JsonSchema>>;
  readonly $ref?: string;
  readonly type?: JsonType | readonly JsonType[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly enum?: readonly (string | number | boolean | null)[];
  readonly const?: string | number | boolean | null;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minLength?: number;
  readonly pattern?: string;
  readonly anyOf?: readonly JsonSchema[];
}

/** Fragments both cleave's schemas (plan.json, edge.json) are written with. */
export const NON_NEGATIVE: JsonSchema = { type: 'number', minimum: 0 };
export const FRACTION: JsonSchema = { type: 'number', minimum: 0, maximum: 1 };

/** An object with exactly `properties`, all required but `optional`. */
export const closedObject = (properties: Readonly<Record<string, JsonSchema>>, optional: readonly string[] = [], description?: string): JsonSchema => ({
  type: 'object',
  ...(description ? { description } : {}),
  properties,
  required: Object.keys(properties).filter((k) => !optional.includes(k)),
  additionalProperties: false,
});

export type JsonType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

/** One violation: where, and what the value must be. */
export interface SchemaViolation {
  /** '' for the document itself, else a path such as "front[2].objectives.bytes" */
  readonly path: string;
  readonly message: string;
}

const KNOWN = new Set(['$schema', '$id', '$comment', 'title', 'description', '$defs', '$ref', 'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', 'minimum', 'maximum', 'exclusiveMinimum', 'minItems', 'maxItems', 'minLength', 'pattern', 'anyOf']);

function typeOf(v: unknown): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v as JsonType;
}

function fits(v: unknown, t: JsonType): boolean {
  const actual = typeOf(v);
  return actual === t || (t === 'number' && actual === 'integer');
}

const show = (v: unknown): string => {
  const text = JSON.stringify(v);
  return text === undefined ? String(v) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

const child = (path: string, key: string | number): string => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);

/** The words for what a schema accepts, for messages. */
function describe(s: JsonSchema, root: JsonSchema): string {
  const r = resolve(s, root);
  if (r.const !== undefined) return show(r.const);
  if (r.enum) return `one of ${r.enum.map(show).join(', ')}`;
  if (r.anyOf) return r.anyOf.map((x) => describe(x, root)).join(' or ');
  const types = r.type === undefined ? [] : typeof r.type === 'string' ? [r.type] : r.type;
  const bounds: string[] = [];
  if (r.minimum !== undefined) bounds.push(`>= ${r.minimum}`);
  if (r.exclusiveMinimum !== undefined) bounds.push(`> ${r.exclusiveMinimum}`);
  if (r.maximum !== undefined) bounds.push(`<= ${r.maximum}`);
  const bounded = (noun: string): string => (bounds.length ? `${noun} ${bounds.join(' and ')}` : noun);
  const nouns = types.map((t) => (t === 'object' ? 'an object' : t === 'array' ? 'an array' : t === 'integer' ? bounded('an integer') : t === 'number' ? bounded('a number') : t === 'null' ? 'null' : `a ${t}`));
  return nouns.join(' or ') || bounded('a value');
}

function resolve(s: JsonSchema, root: JsonSchema): JsonSchema {
  if (s.$ref === undefined) return s;
  const m = /^#\/\$defs\/([^/]+)$/.exec(s.$ref);
  const target = m?.[1] !== undefined ? root.$defs?.[m[1]] : undefined;
  if (!target) throw new InternalError(`schema: unresolvable $ref ${s.$ref}`);
  return resolve(target, root);
}

/** The first violation of `schema` by `value`, or undefined when it conforms. */
export function validate(value: unknown, schema: JsonSchema, root: JsonSchema = schema, path = ''): SchemaViolation | undefined {
  for (const key of Object.keys(schema)) if (!KNOWN.has(key)) throw new InternalError(`schema: keyword "${key}" is not supported by this validator`);
  const s = resolve(schema, root);
  if (s !== schema) return validate(value, s, root, path);
  const bad = (message: string): SchemaViolation => ({ path, message });
  if (s.anyOf) {
    const errors = s.anyOf.map((x) => validate(value, x, root, path));
    if (errors.some((e) => e === undefined)) return undefined;
    // Report the branch whose type the value has: its violation is the one the author meant.
    const typed = s.anyOf.findIndex((x) => {
      const r = resolve(x, root);
      const ts = r.type === undefined ? [] : typeof r.type === 'string' ? [r.type] : r.type;
      return ts.some((t) => fits(value, t));
    });
    return typed >= 0 ? errors[typed] : bad(`must be ${describe(s, root)}, got ${show(value)}`);
  }
  if (s.type !== undefined) {
    const types = typeof s.type === 'string' ? [s.type] : s.type;
    if (!types.some((t) => fits(value, t))) return bad(`must be ${describe(s, root)}, got ${show(value)}`);
  }
  if (s.const !== undefined && value !== s.const) return bad(`must be ${show(s.const)}, got ${show(value)}`);
  if (s.enum && !s.enum.includes(value as string)) return bad(`must be ${describe(s, root)}, got ${show(value)}`);
  if (typeof value === 'number') {
    if ((s.minimum !== undefined && value < s.minimum) || (s.maximum !== undefined && value > s.maximum) || (s.exclusiveMinimum !== undefined && value <= s.exclusiveMinimum)) {
      return bad(`must be ${describe(s, root)}, got ${show(value)}`);
    }
  }
  if (typeof value === 'string') {
    if (s.minLength !== undefined && value.length < s.minLength) return bad(`must be at least ${s.minLength} characters long, got ${show(value)}`);
    if (s.pattern !== undefined && !new RegExp(s.pattern, 'u').test(value)) return bad(`must match ${s.pattern}, got ${show(value)}`);
  }
  if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems) return bad(`must have at least ${s.minItems} item(s), got ${value.length}`);
    if (s.maxItems !== undefined && value.length > s.maxItems) return bad(`must have at most ${s.maxItems} items, got ${value.length}`);
    if (s.items) {
      for (let i = 0; i < value.length; i++) {
        const e = validate(value[i], s.items, root, child(path, i));
        if (e) return e;
      }
    }
  }
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    for (const key of s.required ?? []) if (!Object.hasOwn(obj, key)) return { path: child(path, key), message: 'is missing' };
    for (const [key, v] of Object.entries(obj)) {
      const p = s.properties?.[key];
      if (p) {
        const e = validate(v, p, root, child(path, key));
        if (e) return e;
      } else if (s.additionalProperties === false) {
        return { path: child(path, key), message: `is not a known field (known: ${Object.keys(s.properties ?? {}).join(', ')})` };
      } else if (typeof s.additionalProperties === 'object') {
        const e = validate(v, s.additionalProperties, root, child(path, key));
        if (e) return e;
      }
    }
  }
  return undefined;
}
