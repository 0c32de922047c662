import { float } from '../graph/builder.js';
import { blockSum, type GradContext } from './grad-context.js';
import type { Inputs, OpContext, OpDef } from './op.js';
import { type AxisWeights, identityRows, resampleAdjoint } from './shared/resample-adjoint.js';
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
    return [{ dtype: x.dtype, shape: x.shape.map((d, i) => scaledDim(d, scales[i]!)) }]; // one scale per axis (checked)
  },
  // Older exports spell linear "bilinear"; both weight 2^d neighbours.
  cost: (ctx, inputs, [y]) => resizeCost(ctx.attrs.string('mode', 'nearest') === 'nearest' ? 'nearest' : 'linear', inputs, y!),
  gradient: upsampleGradient,
};

/**
 * Upsample is linear in X, so dX = A^T dY. Nearest by integer factors (output cell j reads
 * input floor(j / k)) takes the block sums of dY; otherwise (linear, or fractional scales)
 * each scaled axis applies A^T computed by the same Upsample on identity rows (see
 * shared/resample-adjoint), so the weights are the runtime's.
 */
function upsampleGradient(g: GradContext): void {
  const mode = g.attrs.string('mode', 'nearest');
  const x = g.inputInfo(0);
  const y = g.outputInfo(0);
  const fast = mode === 'nearest' ? blockSum(g, g.outGrad(0), x.shape, y.shape, 'dx') : undefined;
  if (fast) {
    g.setInputGrad(0, fast);
    return;
  }
  const scales = scalesOf(g.ctx, g.inputInfos());
  const weights: AxisWeights[] = [];
  scales.forEach((v, a) => {
    if (v === 1) return;
    const n = x.shape[a]!; // a < rank
    const rows = identityRows(g, n, x.dtype, `axis${a}_eye`);
    const axisScales = [1, 1, 1, v];
    const t = g.opset < 9
      ? g.emit('Upsample', [rows], `axis${a}_weights_t`, { mode, scales: float(axisScales) })
      : g.emit('Upsample', [rows, g.constant(`axis${a}_scales`, 'float32', [4], axisScales)], `axis${a}_weights_t`, { mode });
    weights.push({ axis: a, inDim: n, weights: t });
  });
  g.setInputGrad(0, g.emit('Identity', [resampleAdjoint(g, g.outGrad(0), y.shape, weights, 'adjoint')], 'dx'));
}
