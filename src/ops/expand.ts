import { sumToInputShape } from './grad-context.js';
import type { Inputs, OpContext, OpDef } from './op.js';
import { broadcastShapes } from './shared/broadcast.js';
import { constInts } from './shared/const-input.js';
import { broadcastEvaluate } from './shared/elementwise.js';
import { canFold } from './shared/index-map.js';
import { dataMovementCost, required } from './shared/tensor-info.js';

/** Bidirectional broadcast of the input's shape with the requested one (1s in `shape` keep the input's dim). */
function expandedShape(ctx: OpContext, inputs: Inputs): number[] {
  const x = required(ctx, inputs, 0);
  return broadcastShapes(ctx, [x.shape, constInts(ctx, inputs, 1, 'shape')]);
}

/** Expand (opset 8+): broadcasts the input to a shape. */
export const expand: OpDef = {
  opType: 'Expand',
  sinceVersion: 8,
  differentiable: [true, false],
  inferShape(ctx, inputs) {
    return [{ dtype: required(ctx, inputs, 0).dtype, shape: expandedShape(ctx, inputs) }];
  },
  cost: dataMovementCost,
  evaluate(ctx, inputs) {
    const x = required(ctx, inputs, 0);
    const shape = expandedShape(ctx, inputs);
    if (!x.value || !canFold(shape)) return undefined;
    // one source tensor, so xs holds one value per element
    return [broadcastEvaluate([x.value], shape, x.dtype, (xs) => xs[0]!)];
  },
  // dX = dY summed over the broadcast axes.
  gradient(g) {
    g.setInputGrad(0, sumToInputShape(g, g.outGrad(0), 0));
  },
};
