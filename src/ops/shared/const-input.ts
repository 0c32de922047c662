import type { TensorValue } from '../../onnx/tensor.js';
import type { Inputs, OpContext } from '../op.js';
import { fail, required } from './tensor-info.js';

/**
 * The value of input `i`, which the output shape depends on (Reshape's shape, Slice's starts,
 * Expand's shape...). Exporters compute these from Shape chains that cleave folds; when one
 * is still not constant, the shape cannot be known statically and we say so, naming the node.
 */
export function constValue(ctx: OpContext, inputs: Inputs, i: number, what: string): TensorValue {
  const t = required(ctx, inputs, i);
  if (!t.value) fail(ctx, `${what} (input ${i}) is not a constant; cleave needs its value to infer the output shape`);
  return t.value;
}

/** Input `i`'s values as integers (shapes, axes, pads, repeats). */
export function constInts(ctx: OpContext, inputs: Inputs, i: number, what: string): number[] {
  return Array.from(constValue(ctx, inputs, i, what).data, Number);
}

/** Like constInts, but `undefined` when the optional input is omitted. */
export function optionalConstInts(ctx: OpContext, inputs: Inputs, i: number, what: string): number[] | undefined {
  return inputs[i] ? constInts(ctx, inputs, i, what) : undefined;
}

/** The first `n` inputs' values, or undefined when any of them is not known. */
export function inputValues(inputs: Inputs, n: number = inputs.length): TensorValue[] | undefined {
  const out: TensorValue[] = [];
  for (let i = 0; i < n; i++) {
    const v = inputs[i]?.value;
    if (!v) return undefined;
    out.push(v);
  }
  return out;
}

/** A scalar (or one-element) constant input's value. */
export function constScalar(ctx: OpContext, inputs: Inputs, i: number, what: string): number {
  const v = constValue(ctx, inputs, i, what);
  if (v.data.length !== 1) fail(ctx, `${what} (input ${i}) must hold one value, it holds ${v.data.length}`);
  return Number(v.data[0]);
}
