import { reshape } from './grad-context.js';
import type { Inputs, OpContext, OpDef, TensorInfo } from './op.js';
import { stridesOf } from './shared/broadcast.js';
import { canFold, gatherValues } from './shared/index-map.js';
import { blockInput } from './shared/block-input.js';
import { dataMovementCost, fail } from './shared/tensor-info.js';

function plan(ctx: OpContext, inputs: Inputs): { x: TensorInfo; b: number; shape: number[] } {
  const { x, b, dims: [n, c, h, w] } = blockInput(ctx, inputs);
  if (b < 1 || h % b !== 0 || w % b !== 0) fail(ctx, `spatial size ${h}x${w} is not divisible by blocksize ${b}`);
  return { x, b, shape: [n, c * b * b, h / b, w / b] };
}

/** SpaceToDepth (opset 1+): moves b x b spatial blocks into channels (the inverse of DepthToSpace DCR). */
export const spaceToDepth: OpDef = {
  opType: 'SpaceToDepth',
  sinceVersion: 1,
  differentiable: [true],
  inferShape(ctx, inputs) {
    const { x, shape } = plan(ctx, inputs);
    return [{ dtype: x.dtype, shape }];
  },
  cost: dataMovementCost,
  evaluate(ctx, inputs) {
    const { x, b, shape } = plan(ctx, inputs);
    if (!x.value || !canFold(shape)) return undefined;
    // plan() admits rank 4 only, so the shape, strides and each coordinate tuple have 4 entries
    const c = x.shape[1]!;
    const s = stridesOf(x.shape);
    return [
      gatherValues(x.value, shape, ([n, oc, h, w]) => {
        const ic = oc! % c;
        const block = Math.floor(oc! / c);
        const bh = Math.floor(block / b);
        const bw = block % b;
        return n! * s[0]! + ic * s[1]! + (h! * b + bh) * s[2]! + (w! * b + bw) * s[3]!;
      }),
    ];
  },
  // The op is reshape -> transpose [0,3,5,1,2,4] -> reshape; dX runs the inverse.
  gradient(g) {
    const [n, c, h, w] = g.inputInfo(0).shape as [number, number, number, number];
    const b = g.attrs.int('blocksize', 1);
    const six = reshape(g, g.outGrad(0), [n, b, b, c, h / b, w / b], 'dy_6d');
    g.setInputGrad(0, reshape(g, g.emit('Transpose', [six], 'dx_6d', { perm: [0, 3, 4, 1, 5, 2] }), [n, c, h, w], 'dx'));
  },
};
