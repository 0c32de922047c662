/**
 * Readers for untrusted JSON problem objects (POPEX problems, exit-plan inputs): each names the
 * field it rejects by its path (`layers[3].edgeMs`), and objects refuse unknown keys, because a
 * misspelt key is how a weight silently went missing in POPEX's published code.
 */
import { BadRequestError } from '../errors.js';

/** A problem object has a bad field; `field` is its path, e.g. `exits[1].exitProbability`. */
export class BadFieldError extends BadRequestError {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

/** A JSON object with exactly the allowed keys (the required ones present). */
export function readObject(value: unknown, field: string, required: readonly string[], optional: readonly string[] = []): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadFieldError(field || '(top level)', `must be a JSON object, got ${describe(value)}`);
  const obj = value as Record<string, unknown>;
  const known = [...required, ...optional];
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) throw new BadFieldError(join(field, key), `unknown field (known: ${known.join(', ')})`);
  }
  for (const key of required) if (obj[key] === undefined) throw new BadFieldError(join(field, key), 'is missing');
  return obj;
}

export interface NumberRange {
  readonly min?: number;
  /** strictly greater than this */
  readonly above?: number;
  readonly max?: number;
  /** the unit, for the message */
  readonly unit?: string;
}

/** A finite number in the range. */
export function readNumber(value: unknown, field: string, range: NumberRange = {}): number {
  const ok = typeof value === 'number' && Number.isFinite(value)
    && (range.min === undefined || value >= range.min)
    && (range.above === undefined || value > range.above)
    && (range.max === undefined || value <= range.max);
  if (!ok) {
    const bounds = [range.above !== undefined ? `> ${range.above}` : '', range.min !== undefined ? `>= ${range.min}` : '', range.max !== undefined ? `<= ${range.max}` : ''].filter(Boolean);
    throw new BadFieldError(field, `must be a finite number${bounds.length ? ` ${bounds.join(' and ')}` : ''}${range.unit ? ` (${range.unit})` : ''}, got ${describe(value)}`);
  }
  return value as number;
}

/** A non-empty string. */
export function readString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new BadFieldError(field, `must be a non-empty string, got ${describe(value)}`);
  return value;
}

/** An array of at most `max` elements (at least `min`). */
export function readArray(value: unknown, field: string, max: number, min = 0): readonly unknown[] {
  if (!Array.isArray(value)) throw new BadFieldError(field, `must be an array, got ${describe(value)}`);
  if (value.length < min) throw new BadFieldError(field, `must have at least ${min} element${min === 1 ? '' : 's'}`);
  if (value.length > max) throw new BadFieldError(field, `has ${value.length} elements; at most ${max} are accepted`);
  return value;
}

/** `parent.key`, or `key` at the top level. */
export function join(parent: string, key: string): string {
  return parent ? `${parent}.${key}` : key;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  // Numbers as JS prints them (NaN, Infinity), everything else as JSON.
  const text = typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
