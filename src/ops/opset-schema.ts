import { ONNX_SCHEMAS } from './onnx-schemas.js';

/** One since-version of an ai.onnx operator (see onnx-schemas.ts for the encoding). */
export interface OpSchema {
  readonly since: number;
  readonly deprecated?: number;
  /** formal inputs, `<s|o|v>:<dtype or type parameter>` */
  readonly in: readonly string[];
  readonly nIn: readonly [number, number] | readonly number[];
  readonly nOut: readonly [number, number] | readonly number[];
  /** attribute name -> 1 when required */
  readonly attrs: Readonly<Record<string, number>>;
  /** type parameter -> the dtypes it allows (cleave's names) */
  readonly types: Readonly<Record<string, readonly string[]>>;
}

export type SchemaTable = Readonly<Record<string, readonly OpSchema[]>>;

/** The newest opset the generated table (onnx 1.12) describes. */
export const TABLE_OPSET = 17;

const REDUCE_18: Omit<OpSchema, 'types'> = { since: 18, in: ['s:T', 'o:int64'], nIn: [1, 2], nOut: [1, 1], attrs: { keepdims: 0, noop_with_empty_axes: 0 } };

/**
 * The changes after opset 17 to the form of ops cleave reads or emits (inputs and attributes;
 * their type lists only grew, and are not checked past TABLE_OPSET), and ops new since then
 * that cleave has rules for. Types, where omitted, are the previous version's.
 */
const LATER: Readonly<Record<string, readonly Partial<OpSchema>[]>> = {
  ...Object.fromEntries(['ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceMax', 'ReduceMean', 'ReduceMin', 'ReduceProd', 'ReduceSumSquare'].map((op) => [op, [REDUCE_18]])),
  Split: [{ since: 18, in: ['s:T', 'o:int64'], nIn: [1, 2], attrs: { axis: 0, num_outputs: 0 } }],
  Pad: [{ since: 18, in: ['s:T', 's:int64', 'o:T', 'o:Tind'], nIn: [2, 4], attrs: { mode: 0 }, types: { Tind: ['int32', 'int64'] } }, { since: 19 }, { since: 21 }],
  Resize: [
    { since: 18, attrs: { antialias: 0, axes: 0, coordinate_transformation_mode: 0, cubic_coeff_a: 0, exclude_outside: 0, extrapolation_value: 0, keep_aspect_ratio_policy: 0, mode: 0, nearest_mode: 0 } },
    { since: 19 },
  ],
  ScatterElements: [{ since: 18 }],
  ScatterND: [{ since: 18 }],
  AveragePool: [{ since: 19, attrs: { auto_pad: 0, ceil_mode: 0, count_include_pad: 0, dilations: 0, kernel_shape: 1, pads: 0, strides: 0 } }, { since: 22 }],
  Cast: [{ since: 19, attrs: { saturate: 0, to: 1 } }, { since: 21 }, { since: 23 }, { since: 24 }, { since: 25 }],
  CastLike: [{ since: 19, attrs: { saturate: 0 } }, { since: 21 }, { since: 23 }, { since: 24 }, { since: 25 }],
  Gelu: [{ since: 20, in: ['s:T'], nIn: [1, 1], nOut: [1, 1], attrs: { approximate: 0 }, types: { T: ['bfloat16', 'float16', 'float32', 'float64'] } }],
};

/** The table with LATER appended: each later entry completes itself from the version before it. */
const SCHEMAS: SchemaTable = (() => {
  const out: Record<string, OpSchema[]> = Object.fromEntries(Object.entries(ONNX_SCHEMAS).map(([op, list]) => [op, [...list]]));
  for (const [op, later] of Object.entries(LATER)) {
    const list = (out[op] ??= []);
    for (const change of later) {
      const before: OpSchema = list[list.length - 1] ?? { since: 0, in: [], nIn: [0, 0], nOut: [1, 1], attrs: {}, types: {} };
      list.push({ ...before, ...change, since: change.since!, deprecated: change.deprecated });
    }
  }
  return out;
})();

/**
 * The schema an op binds to at an opset (the newest since-version not above it), or undefined
 * when the op does not exist yet at that opset (or is unknown to the table).
 */
export function schemaAt(opType: string, opset: number): OpSchema | undefined {
  let found: OpSchema | undefined;
  for (const s of SCHEMAS[opType] ?? []) if (s.since <= opset) found = s;
  return found;
}

/** The first opset defining an op, or undefined when the table does not know it. */
export function firstSchemaOpset(opType: string): number | undefined {
  return SCHEMAS[opType]?.[0]?.since;
}

/** Since-versions of an op in (from, to]: the opsets at which its definition changed. */
export function changesBetween(opType: string, from: number, to: number): number[] {
  return (SCHEMAS[opType] ?? []).map((s) => s.since).filter((v) => v > from && v <= to);
}
