import { numelOf } from '../../onnx/tensor.js';
import { type TensorInfo, numel, totalBytes } from '../../graph/tensor-meta.js';
import type { Inputs, OpContext, OpDef } from '../op.js';
import { stridesOf } from './broadcast.js';
import { optionalConstInts } from './const-input.js';
import { canFold } from './index-map.js';
import { normAxis, required } from './tensor-info.js';

/** How one Reduce* op combines the elements of a reduced group. */
export interface ReduceSpec {
  readonly opType: string;
  /** first opset where `axes` is an input instead of an attribute */
  readonly axesInputSince: number;
  readonly init: number;
  readonly step: (acc: number, x: number) => number;
  /** final value from the accumulator and the group size (the mean divides) */
  readonly finish?: (acc: number, count: number) => number;
  readonly differentiable: readonly boolean[];
  /** FLOPs per input element (default 1; 2 where each element is squared, then added) */
  readonly flopsPerElement?: number;
}

interface Plan {
  /** reduced axes, sorted; empty with `noop` means identity */
  readonly axes: readonly number[];
  readonly noop: boolean;
  readonly keepdims: boolean;
  readonly outShape: number[];
}

function plan(ctx: OpContext, inputs: Inputs, spec: ReduceSpec): Plan {
  const x = required(ctx, inputs, 0);
  const rank = x.shape.length;
  const fromInput = ctx.opset >= spec.axesInputSince;
  const given = fromInput ? optionalConstInts(ctx, inputs, 1, 'axes') : ctx.attrs.ints('axes');
  const keepdims = ctx.attrs.int('keepdims', 1) === 1;
  // noop_with_empty_axes exists only where axes is an input: empty axes then mean "no reduction".
  if ((!given || given.length === 0) && fromInput && ctx.attrs.int('noop_with_empty_axes', 0) === 1) {
    return { axes: [], noop: true, keepdims, outShape: [...x.shape] };
  }
  const axes = given && given.length > 0 ? [...new Set(given.map((a) => normAxis(ctx, a, rank)))].sort((a, b) => a - b) : x.shape.map((_, i) => i);
  const outShape: number[] = [];
  x.shape.forEach((d, i) => {
    if (!axes.includes(i)) outShape.push(d);
    else if (keepdims) outShape.push(1);
  });
  return { axes, noop: false, keepdims, outShape };
}

/** A Reduce* op (ReduceSum, ReduceMean, ReduceMax...): one FLOP per input element unless the spec says more. */
export function reduceOp(spec: ReduceSpec): OpDef {
  return {
    opType: spec.opType,
    sinceVersion: 1,
    differentiable: spec.differentiable,
    inferShape(ctx, inputs) {
      const x = required(ctx, inputs, 0);
      return [{ dtype: x.dtype, shape: plan(ctx, inputs, spec).outShape }];
    },
    cost(ctx, inputs, outputs) {
      const x = required(ctx, inputs, 0);
      return {
        flops: plan(ctx, inputs, spec).noop ? 0 : (spec.flopsPerElement ?? 1) * numel(x),
        bytesRead: totalBytes(inputs),
        bytesWritten: totalBytes(outputs),
      };
    },
    evaluate(ctx, inputs) {
      const x = required(ctx, inputs, 0);
      const v = x.value;
      if (!v || !canFold(x.shape)) return undefined;
      const p = plan(ctx, inputs, spec);
      if (p.noop) return [{ dtype: v.dtype, dims: [...x.shape], data: Array.from(v.data) }];
      return [reduceValues(v.data, x, p, spec)];
    },
  };
}

function reduceValues(data: ArrayLike<number>, x: TensorInfo, p: Plan, spec: ReduceSpec) {
  // Bounds: coords, keptStrides and x.shape have rank entries; o < outN, the size of acc; i < n = data's length.
  const rank = x.shape.length;
  // Output strides over the kept axes (reduced axes contribute nothing to the output offset).
  const kept = x.shape.map((d, i) => (p.axes.includes(i) ? 1 : d));
  const keptStrides = stridesOf(kept);
  const n = numelOf(x.shape);
  const outN = numelOf(p.outShape);
  const acc = new Array<number>(outN).fill(spec.init);
  const coords = new Array<number>(rank).fill(0);
  for (let i = 0; i < n; i++) {
    let o = 0;
    // coords, keptStrides and x.shape have rank entries; o < outN, the size of acc
    for (let d = 0; d < rank; d++) if (!p.axes.includes(d)) o += coords[d]! * keptStrides[d]!;
    acc[o] = spec.step(acc[o]!, Number(data[i]));
    for (let d = rank - 1; d >= 0; d--) {
      if (++coords[d]! < x.shape[d]!) break;
      coords[d] = 0;
    }
  }
  const count = outN === 0 ? 0 : n / outN;
  const integral = x.dtype.startsWith('int') || x.dtype.startsWith('uint');
  const out = acc.map((a) => {
    const r = spec.finish ? spec.finish(a, count) : a;
    return integral ? Math.trunc(r) : r;
  });
  return { dtype: x.dtype, dims: p.outShape, data: out };
}
