import { reduceMean, scalar, sumToShape } from './grad-context.js';
import type { OpDef } from './op.js';
import { numel, totalBytes } from '../graph/tensor-meta.js';
import { fail, normAxis, required } from './shared/tensor-info.js';

/**
 * LayerNormalization (opset 17): normalise over the axes from `axis` to the last, then scale
 * and shift. Y has X's shape; the optional Mean and InvStdDev outputs keep the leading dims and
 * have 1s from `axis` on. Per element: 8 FLOPs (sum for the mean, subtract, square, sum for the
 * variance, subtract again, multiply by 1/std, scale, shift).
 */
export const layerNormalization: OpDef = {
  opType: 'LayerNormalization',
  sinceVersion: 17,
  differentiable: [true, true, true],
  inferShape(ctx, inputs) {
    const x = required(ctx, inputs, 0);
    const scale = required(ctx, inputs, 1);
    const axis = normAxis(ctx, ctx.attrs.int('axis', -1), x.shape.length);
    const normalized = x.shape.slice(axis);
    if (numel(scale) !== normalized.reduce((a, b) => a * b, 1)) {
      fail(ctx, `scale has shape [${scale.shape.join(', ')}], which does not broadcast to the normalised dims [${normalized.join(', ')}]`);
    }
    const statShape = x.shape.map((d, i) => (i < axis ? d : 1));
    const stashType = ctx.attrs.int('stash_type', 1) === 1 ? 'float32' : x.dtype;
    return ctx.node.output.map((_, i) => (i === 0 ? { dtype: x.dtype, shape: x.shape } : { dtype: stashType, shape: statShape }));
  },
  cost(ctx, inputs, outputs) {
    return { flops: 8 * numel(required(ctx, inputs, 0)), bytesRead: totalBytes(inputs), bytesWritten: totalBytes(outputs) };
  },
  // With xhat = (X - mean) / sqrt(var + eps) over the axes from `axis` on and g = dY * scale:
  // dX = (g - mean(g) - xhat mean(g xhat)) / sqrt(var + eps); dScale = sum dY xhat and
  // dBias = sum dY over the leading axes, summed to their shapes.
  gradient(g) {
    const x = g.inputInfo(0);
    const rank = x.shape.length;
    const axis = normAxis(g.ctx, g.attrs.int('axis', -1), rank);
    const norm = Array.from({ length: rank - axis }, (_, i) => axis + i);
    const mean = reduceMean(g, g.input(0), norm, true, 'mean');
    const centred = g.emit('Sub', [g.input(0), mean], 'centred');
    const variance = reduceMean(g, g.emit('Mul', [centred, centred], 'sq'), norm, true, 'var');
    const eps = scalar(g, 'eps', g.attrs.float('epsilon', 1e-5), x.dtype);
    const invStd = g.emit('Reciprocal', [g.emit('Sqrt', [g.emit('Add', [variance, eps], 'var_eps')], 'std')], 'inv_std');
    const xhat = g.emit('Mul', [centred, invStd], 'xhat');
    const dY = g.outGrad(0);
    if (g.needs(2) && g.input(2)) g.setInputGrad(2, sumToShape(g, dY, x.shape, g.inputInfo(2).shape, 'dbias'));
    if (g.needs(1)) g.setInputGrad(1, sumToShape(g, g.emit('Mul', [dY, xhat], 'dy_xhat'), x.shape, g.inputInfo(1).shape, 'dscale'));
    if (g.needs(0)) {
      const gs = g.emit('Mul', [dY, g.input(1)], 'g');
      const meanG = reduceMean(g, gs, norm, true, 'mean_g');
      const meanGx = reduceMean(g, g.emit('Mul', [gs, xhat], 'g_xhat'), norm, true, 'mean_g_xhat');
      const inner = g.emit('Sub', [g.emit('Sub', [gs, meanG], 'g_centred'), g.emit('Mul', [xhat, meanGx], 'xhat_term')], 'inner');
      g.setInputGrad(0, g.emit('Mul', [inner, invStd], 'dx'));
    }
  },
};
