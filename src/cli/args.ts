import { parseArgs, type ParseArgsConfig } from 'node:util';
import { BadRequestError } from '../errors.js';
import type { Normalisation } from '../image/transform.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>>;

/** parseArgs with cleave's error class: an unknown or malformed flag is a usage error. */
export function parse<O extends Options>(argv: readonly string[], options: O, command: string): Parsed<O> {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new BadRequestError(`${command}: ${(e as Error).message.replace(/\. To specify.*$/, '')}; see \`cleave ${command} --help\``);
  }
}

/** A positive integer option. */
export function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new BadRequestError(`--${name} must be a positive integer, got "${value}"`);
  return n;
}

/** `name=1x3x224x224` pairs for --input-shape. */
export function inputShapes(values: readonly string[] | undefined): Record<string, number[]> | undefined {
  if (!values?.length) return undefined;
  const out: Record<string, number[]> = {};
  for (const v of values) {
    const m = /^(.+)=(\d+(?:x\d+)*)$/.exec(v);
    if (!m) throw new BadRequestError(`--input-shape takes NAME=D1xD2x..., e.g. input=1x3x224x224; got "${v}"`);
    out[m[1] as string] = (m[2] as string).split('x').map(Number);
  }
  return out;
}

/** `--name 0.5,0.25,...`: numbers separated by commas (undefined when the option is absent). */
export function numberList(value: string | undefined, name: string): number[] | undefined {
  if (value === undefined) return undefined;
  const out = value.split(',').map((x) => (x.trim() === '' ? Number.NaN : Number(x)));
  if (out.some((x) => !Number.isFinite(x))) throw new BadRequestError(`--${name} takes numbers separated by commas, got "${value}"`);
  return out;
}

/** `--mean` / `--std` per channel, applied after pixels are scaled to [0, 1]. */
export function normalisationOf(values: { readonly mean?: string | undefined; readonly std?: string | undefined }): Normalisation {
  const mean = numberList(values.mean, 'mean');
  const std = numberList(values.std, 'std');
  if (std?.some((s) => s <= 0)) throw new BadRequestError(`--std values must be positive, got "${values.std}"`);
  return { ...(mean ? { mean } : {}), ...(std ? { std } : {}) };
}
