import { numelOf } from '../../onnx/tensor.js';
import type { TensorValue } from '../../onnx/tensor.js';
import { type TensorInfo, numel, totalBytes } from '../../graph/tensor-meta.js';
import type { Inputs, OpContext, OpDef } from '../op.js';
import { broadcastShapes } from './broadcast.js';
import { broadcastEvaluate, MAX_FOLD_ELEMENTS } from './elementwise.js';
import { fail } from './tensor-info.js';

/** How many inputs `differentiable` lists for a variadic op (exporters emit a handful). */
export const VARIADIC_MAX_LISTED = 64;

function present(ctx: OpContext, inputs: Inputs): TensorInfo[] {
  const xs = inputs.filter((t): t is TensorInfo => t !== undefined);
  if (xs.length === 0) fail(ctx, 'needs at least one input');
  return xs;
}

/**
 * Sum, Mean, Max, Min (opset 6+, broadcasting since 8): n inputs reduced elementwise with
 * NumPy broadcasting. `flopsPerElement(n)` gives the operations per output element for n
 * inputs; `reduce` folds small constant inputs.
 */
export function variadicOp(opType: string, flopsPerElement: (n: number) => number, reduce: (xs: number[]) => number): OpDef {
  return {
    opType,
    sinceVersion: 6,
    // Every input is differentiable; the contract lists per input, so cover any practical arity.
    differentiable: new Array<boolean>(VARIADIC_MAX_LISTED).fill(true),
    inferShape(ctx, inputs) {
      const xs = present(ctx, inputs);
      return [{ dtype: xs[0]!.dtype, shape: broadcastShapes(ctx, xs.map((x) => x.shape)) }]; // a variadic op has at least one input (checked by its arity)
    },
    cost(ctx, inputs, [y]) {
      const n = present(ctx, inputs).length;
      return { flops: flopsPerElement(n) * numel(y!), bytesRead: totalBytes(inputs), bytesWritten: totalBytes([y]) }; // cost runs once Y is inferred
    },
    evaluate(ctx, inputs) {
      const xs = present(ctx, inputs);
      const vals = xs.map((x) => x.value);
      if (vals.some((v) => v === undefined)) return undefined;
      const [out] = this.inferShape(ctx, inputs) as [TensorInfo];
      if (numelOf(out.shape) > MAX_FOLD_ELEMENTS) return undefined;
      const integral = /int/.test(out.dtype);
      const g = integral ? (v: number[]) => Math.trunc(reduce(v)) : reduce;
      return [broadcastEvaluate(vals as TensorValue[], out.shape, out.dtype, g)];
    },
  };
}
