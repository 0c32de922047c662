import { reshape as reshapeTo } from './grad-context.js';
import type { TensorInfo } from '../graph/tensor-meta.js';
import type { Inputs, OpContext, OpDef } from './op.js';
import { optionalConstInts } from './shared/const-input.js';
import { dataMovementCost, fail, normAxis, required } from './shared/tensor-info.js';

function squeezed(ctx: OpContext, inputs: Inputs): [TensorInfo, number[]] {
  const x = required(ctx, inputs, 0);
  const given = ctx.opset < 13 ? ctx.attrs.ints('axes') : optionalConstInts(ctx, inputs, 1, 'axes');
  // No axes: every dim of size 1 goes.
  if (!given || given.length === 0) return [x, x.shape.filter((d) => d !== 1)];
  const axes = new Set(given.map((a) => normAxis(ctx, a, x.shape.length)));
  for (const a of axes) if (x.shape[a] !== 1) fail(ctx, `cannot squeeze axis ${a} of size ${x.shape[a]}`);
  return [x, x.shape.filter((_, i) => !axes.has(i))];
}

/** Squeeze (opset 1+; axes as input since 13): removes dims of size 1. */
export const squeeze: OpDef = {
  opType: 'Squeeze',
  sinceVersion: 1,
  differentiable: [true, false],
  inferShape(ctx, inputs) {
    const [x, shape] = squeezed(ctx, inputs);
    return [{ dtype: x.dtype, shape }];
  },
  cost: dataMovementCost,
  evaluate(ctx, inputs) {
    const [x, shape] = squeezed(ctx, inputs);
    return x.value ? [{ dtype: x.dtype, dims: shape, data: x.value.data }] : undefined;
  },
  // A view: dX = dY reshaped to X's shape.
  gradient(g) {
    g.setInputGrad(0, reshapeTo(g, g.outGrad(0), g.inputInfo(0).shape, 'dx'));
  },
};
