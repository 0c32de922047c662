import { UnsupportedOpError } from '../errors.js';
import { blockSum } from './grad-context.js';
import type { Inputs, OpContext, OpDef, TensorInfo } from './op.js';
import { constantValues, resizeCost, scaledDim } from './shared/resize-geometry.js';
import { fail, required } from './shared/tensor-info.js';

/** Scales: the float attribute before opset 9, then the second input (which must be constant). */
function scalesOf(ctx: OpContext, inputs: Inputs): number[] {
  if (ctx.opset < 9) {
    const s = ctx.attrs.floats('scales');
    if (!s) fail(ctx, 'attribute scales is required');
    return s;
  }
  return constantValues(ctx, required(ctx, inputs, 1), 'scales');
}

/**
 * Upsample (opset 7 to 9, deprecated by Resize in 10 but still in older exports): each dim
 * becomes floor(dim * scale). FLOPs per output element follow the mode, nearest or linear.
 */
export const upsample: OpDef = {
  opType: 'Upsample',
  sinceVersion: 7,
  differentiable: [true, false],
  inferShape(ctx, inputs) {
    const x = required(ctx, inputs, 0);
    const scales = scalesOf(ctx, inputs);
    if (scales.length !== x.shape.length) fail(ctx, `scales has ${scales.length} values for an input of rank ${x.shape.length}`);
    return [{ dtype: x.dtype, shape: x.shape.map((d, i) => scaledDim(d, scales[i] as number)) }];
  },
  // Older exports spell linear "bilinear"; both weight 2^d neighbours.
  cost: (ctx, inputs, [y]) => resizeCost(ctx.attrs.string('mode', 'nearest') === 'nearest' ? 'nearest' : 'linear', inputs, y as TensorInfo),
  // Nearest upsampling by integer factors (output cell j reads input floor(j / k)): dX = the
  // block sums of dY. Linear mode has no rule yet.
  gradient(g) {
    const mode = g.attrs.string('mode', 'nearest');
    const dx = mode === 'nearest' ? blockSum(g, g.outGrad(0), g.inputInfo(0).shape, g.outputInfo(0).shape, 'dx') : undefined;
    if (!dx) throw new UnsupportedOpError('Upsample', g.ctx.name, g.opset, `gradient rule for mode ${mode} (nearest by integer factors only)`);
    g.setInputGrad(0, dx);
  },
};
