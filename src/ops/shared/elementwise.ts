import { dtypeBytes } from '../../onnx/dtype.js';
import type { TensorValue } from '../../onnx/tensor.js';
import { numelOf } from '../../onnx/tensor.js';
import type { TensorInfo } from '../../graph/tensor-meta.js';
import type { Inputs, OpContext, OpDef } from '../op.js';
import { broadcastIndex, broadcastShapes } from './broadcast.js';
import { elementwiseCost, required } from './tensor-info.js';

/** Largest tensor cleave folds in JS: shape arithmetic is tiny; weights are never folded. */
export const MAX_FOLD_ELEMENTS = 1 << 16;

/** Applies `f` elementwise over broadcast input values. */
export function broadcastEvaluate(inputs: readonly TensorValue[], outShape: readonly number[], dtype: TensorValue['dtype'], f: (xs: number[]) => number): TensorValue {
  // Bounds: k < inputs.length = index.length = xs.length, and broadcastIndex maps i < n into each input's data.
  const n = numelOf(outShape);
  const index = inputs.map((t) => broadcastIndex(t.dims, outShape));
  const data = new Array<number>(n);
  const xs = new Array<number>(inputs.length);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < inputs.length; k++) xs[k] = inputs[k]!.data[index[k]!(i)]!;
    data[i] = f(xs);
  }
  return { dtype, dims: outShape, data };
}

function isIntegral(dtype: string): boolean {
  return dtype.startsWith('int') || dtype.startsWith('uint');
}

/**
 * An n-ary elementwise op with NumPy broadcasting, `flops` operations per output element and
 * constant folding through `f` (integer division truncates, as ONNX specifies for integers).
 */
export function broadcastOp(opType: string, arity: number, flops: number, f: (xs: number[]) => number, extra: Partial<OpDef> = {}): OpDef {
  return {
    opType,
    sinceVersion: 7,
    inferShape(ctx: OpContext, inputs: Inputs): TensorInfo[] {
      const xs = Array.from({ length: arity }, (_, i) => required(ctx, inputs, i));
      return [{ dtype: xs[0]!.dtype, shape: broadcastShapes(ctx, xs.map((x) => x.shape)) }]; // an elementwise op has at least one input (required by its arity)
    },
    cost: elementwiseCost(flops),
    evaluate(ctx, inputs) {
      const vals = inputs.slice(0, arity).map((t) => t?.value);
      if (vals.some((v) => v === undefined)) return undefined;
      const [out] = this.inferShape(ctx, inputs) as [TensorInfo];
      if (numelOf(out.shape) > MAX_FOLD_ELEMENTS) return undefined;
      const g = isIntegral(out.dtype) ? (xs: number[]) => Math.trunc(f(xs)) : f;
      return [broadcastEvaluate(vals as TensorValue[], out.shape, out.dtype, g)];
    },
    ...extra,
  };
}

/** A unary elementwise op: output has the input's type and shape. */
export function unaryOp(opType: string, flops: number, f: (x: number) => number, extra: Partial<OpDef> = {}): OpDef {
  return broadcastOp(opType, 1, flops, (xs) => f(xs[0]!), { sinceVersion: 6, ...extra }); // a unary op has one input
}

export { dtypeBytes };
