import { reshape as reshapeTo } from './grad-context.js';
import type { TensorInfo } from '../graph/tensor-meta.js';
import type { Inputs, OpContext, OpDef } from './op.js';
import { constInts } from './shared/const-input.js';
import { fail, dataMovementCost, normAxis, required } from './shared/tensor-info.js';

function unsqueezed(ctx: OpContext, inputs: Inputs): [TensorInfo, number[]] {
  const x = required(ctx, inputs, 0);
  const given = ctx.opset < 13 ? ctx.attrs.ints('axes') ?? fail(ctx, 'attribute axes is required') : constInts(ctx, inputs, 1, 'axes');
  // Axes index the output, whose rank is the input's plus the number of new dims.
  const rank = x.shape.length + given.length;
  const axes = new Set(given.map((a) => normAxis(ctx, a, rank)));
  if (axes.size !== given.length) fail(ctx, `axes [${given.join(', ')}] repeat an axis`);
  const shape: number[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) shape.push(axes.has(i) ? 1 : x.shape[k++]!); // k counts the kept axes, fewer than x's rank
  return [x, shape];
}

/** Unsqueeze (opset 1+; axes as input since 13): inserts dims of size 1. */
export const unsqueeze: OpDef = {
  opType: 'Unsqueeze',
  sinceVersion: 1,
  differentiable: [true, false],
  inferShape(ctx, inputs) {
    const [x, shape] = unsqueezed(ctx, inputs);
    return [{ dtype: x.dtype, shape }];
  },
  cost: dataMovementCost,
  evaluate(ctx, inputs) {
    const [x, shape] = unsqueezed(ctx, inputs);
    return x.value ? [{ dtype: x.dtype, dims: shape, data: x.value.data }] : undefined;
  },
  // A view: dX = dY reshaped to X's shape.
  gradient(g) {
    g.setInputGrad(0, reshapeTo(g, g.outGrad(0), g.inputInfo(0).shape, 'dx'));
  },
};
