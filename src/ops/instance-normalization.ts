import { type GradContext, reduceMean, reduceSum, reshape, scalar } from './grad-context.js';
import type { OpDef } from './op.js';
import { numel, totalBytes } from '../graph/tensor-meta.js';
import { fail, required, sameAsFirst } from './shared/tensor-info.js';

/**
 * InstanceNormalization (opset 1+): per (n, c) mean and variance over the spatial dims, then
 * scale and shift. 8 FLOPs per element: mean (add), variance (subtract, square, add),
 * normalise (subtract, multiply by 1/std), scale, shift; the per-(n, c) divides and sqrt are
 * not counted.
 */
export const instanceNormalization: OpDef = {
  opType: 'InstanceNormalization',
  sinceVersion: 1,
  differentiable: [true, true, true],
  inferShape(ctx, inputs) {
    const x = required(ctx, inputs, 0);
    if (x.shape.length < 3) fail(ctx, `input has rank ${x.shape.length}, expected at least 3 (N, C, spatial...)`);
    for (const i of [1, 2]) {
      const t = required(ctx, inputs, i);
      if (t.shape.length !== 1 || t.shape[0] !== x.shape[1]) fail(ctx, `input ${i} has shape [${t.shape.join(', ')}], expected [${x.shape[1]}]`);
    }
    return sameAsFirst(ctx, inputs);
  },
  cost: (ctx, inputs, outputs) => ({ flops: 8 * numel(required(ctx, inputs, 0)), bytesRead: totalBytes(inputs), bytesWritten: totalBytes(outputs) }),
  gradient: instanceNormalizationGradient,
};

/**
 * With xhat = (X - mean) / sqrt(var + eps) per (n, c) over the spatial dims: dBias = sum dY,
 * dScale = sum dY xhat (over n and space), dX = scale / sqrt(var + eps) (dY - mean(dY) -
 * xhat mean(dY xhat)) with means over space.
 */
function instanceNormalizationGradient(g: GradContext): void {
  const x = g.inputInfo(0);
  const rank = x.shape.length;
  const spatial = Array.from({ length: rank - 2 }, (_, i) => i + 2);
  const all = [0, ...spatial];
  const dY = g.outGrad(0);
  const mean = reduceMean(g, g.input(0), spatial, true, 'mean');
  const centred = g.emit('Sub', [g.input(0), mean], 'centred');
  const variance = reduceMean(g, g.emit('Mul', [centred, centred], 'sq'), spatial, true, 'var');
  const eps = scalar(g, 'eps', g.attrs.float('epsilon', 1e-5), x.dtype);
  const invStd = g.emit('Reciprocal', [g.emit('Sqrt', [g.emit('Add', [variance, eps], 'var_eps')], 'std')], 'inv_std');
  const xhat = g.emit('Mul', [centred, invStd], 'xhat');
  const dyXhat = g.emit('Mul', [dY, xhat], 'dy_xhat');
  if (g.needs(2)) g.setInputGrad(2, reduceSum(g, dY, all, false, 'dbias'));
  if (g.needs(1)) g.setInputGrad(1, reduceSum(g, dyXhat, all, false, 'dscale'));
  if (g.needs(0)) {
    const scale = reshape(g, g.input(1), [1, x.shape[1]!, ...spatial.map(() => 1)], 'scale_c'); // inferShape checked X is [N, C, ...]
    const inner = g.emit('Sub', [g.emit('Sub', [dY, reduceMean(g, dY, spatial, true, 'mean_dy')], 'dy_centred'), g.emit('Mul', [xhat, reduceMean(g, dyXhat, spatial, true, 'mean_dy_xhat')], 'xhat_term')], 'inner');
    g.setInputGrad(0, g.emit('Mul', [inner, g.emit('Mul', [scale, invStd], 'k')], 'dx'));
  }
}
