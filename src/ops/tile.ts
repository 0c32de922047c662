import { reduceSum, reshape } from './grad-context.js';
import type { TensorInfo } from '../graph/tensor-meta.js';
import type { Inputs, OpContext, OpDef } from './op.js';
import { stridesOf } from './shared/broadcast.js';
import { constInts } from './shared/const-input.js';
import { canFold, gatherValues } from './shared/index-map.js';
import { dataMovementCost, fail, required } from './shared/tensor-info.js';

function tiled(ctx: OpContext, inputs: Inputs): [TensorInfo, number[]] {
  const x = required(ctx, inputs, 0);
  const repeats = constInts(ctx, inputs, 1, 'repeats');
  if (repeats.length !== x.shape.length) fail(ctx, `${repeats.length} repeats for an input of rank ${x.shape.length}`);
  if (repeats.some((r) => r < 0)) fail(ctx, `repeats [${repeats.join(', ')}] has a negative value`);
  return [x, x.shape.map((d, i) => d * repeats[i]!)]; // one repeat per axis, checked above
}

/** Tile (opset 6+): repeats the input `repeats[i]` times along each axis. */
export const tile: OpDef = {
  opType: 'Tile',
  sinceVersion: 6,
  differentiable: [true, false],
  inferShape(ctx, inputs) {
    const [x, shape] = tiled(ctx, inputs);
    return [{ dtype: x.dtype, shape }];
  },
  cost: dataMovementCost,
  evaluate(ctx, inputs) {
    const [x, shape] = tiled(ctx, inputs);
    if (!x.value || !canFold(shape)) return undefined;
    const strides = stridesOf(x.shape);
    return [
      gatherValues(x.value, shape, (c) => {
        let o = 0;
        // coordinates, shape and strides all have rank entries
        for (let i = 0; i < c.length; i++) o += (c[i]! % x.shape[i]!) * strides[i]!;
        return o;
      }),
    ];
  },
  // Y = X repeated r_i times along axis i: view dY as [r_0, d_0, r_1, d_1, ...] and sum the r axes.
  gradient(g) {
    const x = g.inputInfo(0).shape;
    const y = g.outputInfo(0).shape;
    const split = x.flatMap((d, i) => [y[i]! / d, d]); // Y has X's rank
    const viewed = reshape(g, g.outGrad(0), split, 'dy_blocks');
    g.setInputGrad(0, reduceSum(g, viewed, x.map((_, i) => 2 * i), false, 'dx'));
  },
};
