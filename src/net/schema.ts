/**
 * A small schema checker for profile JSON (network and device profiles): every field is named
 * in the error, unknown fields are rejected (they are usually typos), and numbers carry their
 * unit and range in the message.
 */
import { BadProfileError } from '../errors.js';

export interface NumberField {
  readonly type: 'number';
  readonly unit: string;
  readonly min?: number;
  /** Strictly greater than this. */
  readonly above?: number;
  readonly max?: number;
  readonly optional?: boolean;
}
export interface StringField {
  readonly type: 'string';
  readonly optional?: boolean;
  readonly oneOf?: readonly string[];
}
export interface ObjectField {
  readonly type: 'object';
  readonly fields: Schema;
  readonly optional?: boolean;
}
/** A JSON object kept as it is (evidence a profile carries, checked by whoever reads it). */
export interface OpenObjectField {
  readonly type: 'open-object';
  readonly optional?: boolean;
}
export type Field = NumberField | StringField | ObjectField | OpenObjectField;
export type Schema = Readonly<Record<string, Field>>;

function describe(f: NumberField): string {
  const parts: string[] = [];
  if (f.above !== undefined) parts.push(`> ${f.above}`);
  if (f.min !== undefined) parts.push(`>= ${f.min}`);
  if (f.max !== undefined) parts.push(`<= ${f.max}`);
  return `a number ${parts.join(' and ')} (${f.unit})`.replace('number  (', 'number (');
}

/** Check `value` against `schema`; `what` names the profile in errors (e.g. `network profile "4g"`). */
export function checkSchema(value: unknown, schema: Schema, what: string, prefix = ''): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadProfileError(`${what}: ${prefix || 'profile'} must be a JSON object, got ${JSON.stringify(value)}`);
  }
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!(key in schema)) {
      throw new BadProfileError(`${what}: unknown field "${prefix}${key}" (known: ${Object.keys(schema).join(', ')})`);
    }
  }
  for (const [key, f] of Object.entries(schema)) {
    const v = obj[key];
    const name = `${prefix}${key}`;
    if (v === undefined) {
      if (f.optional) continue;
      throw new BadProfileError(`${what}: field "${name}" is missing`);
    }
    if (f.type === 'number') {
      const ok =
        typeof v === 'number' &&
        Number.isFinite(v) &&
        (f.above === undefined || v > f.above) &&
        (f.min === undefined || v >= f.min) &&
        (f.max === undefined || v <= f.max);
      if (!ok) throw new BadProfileError(`${what}: field "${name}" must be ${describe(f)}, got ${JSON.stringify(v)}`);
    } else if (f.type === 'string') {
      if (typeof v !== 'string' || (f.oneOf !== undefined && !f.oneOf.includes(v))) {
        const expect = f.oneOf ? `one of ${f.oneOf.join(', ')}` : 'a string';
        throw new BadProfileError(`${what}: field "${name}" must be ${expect}, got ${JSON.stringify(v)}`);
      }
    } else if (f.type === 'open-object') {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new BadProfileError(`${what}: field "${name}" must be a JSON object`);
    } else {
      checkSchema(v, f.fields, what, `${name}.`);
    }
  }
}

/** Parse JSON text, reporting the source on a syntax error. */
export function parseProfileJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new BadProfileError(`${source}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}
