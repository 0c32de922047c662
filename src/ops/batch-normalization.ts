import { type GradContext, reduceMean, reduceSum, reshape, scalar } from './grad-context.js';
import type { Inputs, OpContext, OpDef } from './op.js';
import { numel, totalBytes } from '../graph/tensor-meta.js';
import { fail, required } from './shared/tensor-info.js';

/** Training (batch statistics): opset 14+ says so with training_mode; before, asking for the statistics outputs does. */
function isTraining(ctx: OpContext): boolean {
  return ctx.opset >= 14 ? ctx.attrs.int('training_mode', 0) === 1 : ctx.node.output.filter((o) => o).length > 1;
}

function channels(ctx: OpContext, inputs: Inputs): number {
  const x = required(ctx, inputs, 0);
  if (x.shape.length < 2) fail(ctx, `input has rank ${x.shape.length}, expected at least 2 (N, C, ...)`);
  const c = x.shape[1]!; // X is [N, C, ...] (checked by the caller)
  // Before opset 9, spatial = 0 gave per-element statistics of shape (C, D1, ...): not checked against C.
  if (ctx.attrs.int('spatial', 1) === 1) {
    for (let i = 1; i <= 4; i++) {
      const t = required(ctx, inputs, i);
      if (numel(t) !== c) fail(ctx, `input ${i} has shape [${t.shape.join(', ')}], expected [${c}]`);
    }
  }
  return c;
}

/**
 * BatchNormalization (opset 1+; training_mode and running-statistics outputs since 14, before
 * that optional mean/var/saved_mean/saved_var outputs). Y has X's shape; every other output
 * is per channel, [C]. Inference: 4 FLOPs per element (subtract mean, divide by the
 * per-channel sqrt(var + eps), scale, shift) plus 2 per channel (add eps, sqrt). Training adds
 * 4 per element for the batch statistics (sum; subtract, square, sum); the per-channel
 * running-average updates are not counted.
 */
export const batchNormalization: OpDef = {
  opType: 'BatchNormalization',
  sinceVersion: 1,
  differentiable: [true, true, true, false, false],
  inferShape(ctx, inputs) {
    const x = required(ctx, inputs, 0);
    const c = channels(ctx, inputs);
    const stat = required(ctx, inputs, 3);
    return ctx.node.output.map((_, i) => (i === 0 ? { dtype: x.dtype, shape: x.shape } : { dtype: stat.dtype, shape: ctx.attrs.int('spatial', 1) === 1 ? [c] : stat.shape }));
  },
  cost(ctx, inputs, outputs) {
    const x = required(ctx, inputs, 0);
    const perElement = isTraining(ctx) ? 8 : 4;
    return { flops: perElement * numel(x) + 2 * channels(ctx, inputs), bytesRead: totalBytes(inputs), bytesWritten: totalBytes(outputs) };
  },
  gradient: batchNormalizationGradient,
};

/**
 * Inference mode (stored statistics): dX = dY scale / sqrt(var + eps), dScale = sum dY xhat,
 * dBias = sum dY. Training mode (batch statistics, recomputed here from X): with
 * xhat = (X - mean_b) / sqrt(var_b + eps),
 * dX = scale / sqrt(var_b + eps) (dY - mean(dY) - xhat mean(dY xhat)), means over N and space,
 * computed as k dY - (k / M) (dBias + xhat dScale) to reuse the two reductions.
 */
function batchNormalizationGradient(g: GradContext): void {
  const x = g.inputInfo(0);
  const rank = x.shape.length;
  const c = x.shape[1]!; // inferShape checked X is [N, C, ...]
  const axes = [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)];
  const perChannel = [1, c, ...new Array<number>(rank - 2).fill(1)];
  const eps = scalar(g, 'eps', g.attrs.float('epsilon', 1e-5), x.dtype);
  const dY = g.outGrad(0);
  const training = isTraining(g.ctx);
  const asChannel = (t: string, purpose: string) => reshape(g, t, perChannel, purpose);
  if (!training) {
    const invStd = asChannel(g.emit('Reciprocal', [g.emit('Sqrt', [g.emit('Add', [g.input(4), eps], 'var_eps')], 'std')], 'inv_std_c'), 'inv_std');
    if (g.needs(2)) g.setInputGrad(2, reduceSum(g, dY, axes, false, 'dbias'));
    if (g.needs(1)) {
      const xhat = g.emit('Mul', [g.emit('Sub', [g.input(0), asChannel(g.input(3), 'mean')], 'centred'), invStd], 'xhat');
      g.setInputGrad(1, reduceSum(g, g.emit('Mul', [dY, xhat], 'dy_xhat'), axes, false, 'dscale'));
    }
    if (g.needs(0)) g.setInputGrad(0, g.emit('Mul', [dY, g.emit('Mul', [asChannel(g.input(1), 'scale'), invStd], 'k')], 'dx'));
    return;
  }
  // Batch statistics from X. xhat = centred * invStd is never formed: sum(dY xhat) =
  // invStd sum(dY centred), and dX's xhat term is a per-channel multiple of centred: one pass
  // over an X-sized tensor fewer.
  const m = x.shape.reduce((a, d, i) => (i === 1 ? a : a * d), 1);
  const mean = reduceMean(g, g.input(0), axes, true, 'batch_mean');
  const centred = g.emit('Sub', [g.input(0), mean], 'centred');
  // (ReduceSumSquare instead of Mul + ReduceMean ran 1.4x slower in ORT.)
  const variance = reduceMean(g, g.emit('Mul', [centred, centred], 'sq'), axes, true, 'batch_var');
  const invStd = g.emit('Reciprocal', [g.emit('Sqrt', [g.emit('Add', [variance, eps], 'var_eps')], 'std')], 'inv_std');
  const needX = g.needs(0);
  const dBias = g.needs(2) || needX ? reduceSum(g, dY, axes, false, 'dbias') : '';
  const dScale = g.needs(1) || needX
    ? g.emit('Mul', [reduceSum(g, g.emit('Mul', [dY, centred], 'dy_centred'), axes, false, 'dy_centred_sum'), reshape(g, invStd, [c], 'inv_std_flat')], 'dscale')
    : '';
  if (g.needs(2)) g.setInputGrad(2, dBias);
  if (g.needs(1)) g.setInputGrad(1, dScale);
  if (!needX) return;
  // dX = k dY - (k / M) (dBias + xhat dScale), k = scale invStd; xhat dScale = centred (invStd dScale).
  const k = g.emit('Mul', [asChannel(g.input(1), 'scale'), invStd], 'k');
  const kOverM = g.emit('Mul', [k, scalar(g, 'neg_inv_m', -1 / m, x.dtype)], 'neg_k_over_m');
  const shift = g.emit('Mul', [kOverM, asChannel(dBias, 'dbias_c')], 'shift');
  const slope = g.emit('Mul', [g.emit('Mul', [kOverM, invStd], 'neg_k_inv_std_over_m'), asChannel(dScale, 'dscale_c')], 'slope');
  const scaled = g.emit('Add', [g.emit('Mul', [dY, k], 'k_dy'), g.emit('Mul', [centred, slope], 'centred_term')], 'sum');
  g.setInputGrad(0, g.emit('Add', [scaled, shift], 'dx'));
}
