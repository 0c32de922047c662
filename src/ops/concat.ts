import { ints } from './grad-context.js';
import { numelOf } from '../onnx/tensor.js';
import type { TensorInfo } from '../graph/tensor-meta.js';
import type { Inputs, OpContext, OpDef } from './op.js';
import { canFold } from './shared/index-map.js';
import { dataMovementCost, fail, normAxis } from './shared/tensor-info.js';

function present(ctx: OpContext, inputs: Inputs): TensorInfo[] {
  const xs = inputs.filter((t): t is TensorInfo => t !== undefined);
  if (xs.length === 0) fail(ctx, 'needs at least one input');
  return xs;
}

function axisOf(ctx: OpContext, rank: number): number {
  // Opset 1 defaulted the axis to 1; from opset 4 it is required.
  const axis = ctx.attrs.int('axis') ?? (ctx.opset < 4 ? 1 : fail(ctx, 'attribute axis is required'));
  return normAxis(ctx, axis, rank);
}

/** Concat (opset 1+): joins its inputs along `axis`; all other dims must agree. */
export const concat: OpDef = {
  opType: 'Concat',
  sinceVersion: 1,
  // Variadic: every input is differentiable (the last entry covers the rest).
  differentiable: [true],
  inferShape(ctx, inputs) {
    const xs = present(ctx, inputs);
    const first = xs[0]!; // present() fails on an empty list
    const axis = axisOf(ctx, first.shape.length);
    const shape = [...first.shape];
    shape[axis] = 0;
    for (const x of xs) {
      const same = x.shape.length === first.shape.length && x.shape.every((d, i) => i === axis || d === first.shape[i]);
      if (!same) fail(ctx, `input shapes [${xs.map((t) => t.shape.join('x')).join('], [')}] differ outside axis ${axis}`);
      shape[axis] += x.shape[axis]!; // same rank as first (checked just above), axis < rank
    }
    return [{ dtype: first.dtype, shape }];
  },
  cost: dataMovementCost,
  evaluate(ctx, inputs) {
    const xs = present(ctx, inputs);
    if (xs.some((x) => !x.value)) return undefined;
    const [out] = this.inferShape(ctx, inputs) as [TensorInfo];
    if (!canFold(out.shape)) return undefined;
    const axis = axisOf(ctx, out.shape.length);
    const outer = numelOf(out.shape.slice(0, axis));
    const data: number[] = [];
    // Row-major: for each outer index, each input contributes one contiguous block.
    for (let o = 0; o < outer; o++) {
      for (const x of xs) {
        const block = numelOf(x.shape.slice(axis));
        const src = x.value!.data;
        for (let k = 0; k < block; k++) data.push(src[o * block + k]!);
      }
    }
    return [{ dtype: out.dtype, dims: out.shape, data }];
  },
  // dX_i = the slice of dY along the axis where X_i sits (one Split for all inputs).
  gradient(g) {
    // Bounds: axis < rank (normAxis) and every input has that rank; Split gives one part per size.
    const rank = g.outputInfo(0).shape.length;
    const axis = normAxis(g.ctx, g.attrs.int('axis', 0), rank);
    const present = g.ctx.node.input.map((t, i) => (t ? i : -1)).filter((i) => i >= 0);
    const sizes = present.map((i) => g.inputInfo(i).shape[axis]!);
    const parts = g.opset >= 13
      ? g.emitN('Split', [g.outGrad(0), ints(g, 'sizes', sizes)], sizes.length, 'parts', { axis })
      : g.emitN('Split', [g.outGrad(0)], sizes.length, 'parts', { axis, split: sizes });
    present.forEach((i, k) => { if (g.needs(i)) g.setInputGrad(i, parts[k]!); });
  },
};
