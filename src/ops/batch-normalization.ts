import { type GradContext, reduceMean, reduceSum, reshape, scalar } from './grad-context.js';
import type { Inputs, OpContext, OpDef } from './op.js';
import { fail, numel, required, totalBytes } from './shared/tensor-info.js';

/** Training (batch statistics): opset 14+ says so with training_mode; before, asking for the statistics outputs does. */
function isTraining(ctx: OpContext): boolean {
  return ctx.opset >= 14 ? ctx.attrs.int('training_mode', 0) === 1 : ctx.node.output.filter((o) => o).length > 1;
}

function channels(ctx: OpContext, inputs: Inputs): number {
  const x = required(ctx, inputs, 0);
  if (x.shape.length < 2) fail(ctx, `input has rank ${x.shape.length}, expected at least 2 (N, C, ...)`);
  const c = x.shape[1] as number;
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
  const c = x.shape[1] as number;
  const axes = [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)];
  const perChannel = [1, c, ...new Array<number>(rank - 2).fill(1)];
  const eps = scalar(g, 'eps', g.attrs.float('epsilon', 1e-5), x.dtype);
  const dY = g.outGrad(0);
  const training = isTraining(g.ctx);
  const asChannel = (t: string, purpose: string) => reshape(g, t, perChannel, purpose);
  let xhat: string;
  let invStd: string;
  if (training) {
    const mean = reduceMean(g, g.input(0), axes, true, 'batch_mean');
    const centred = g.emit('Sub', [g.input(0), mean], 'centred');
    const variance = reduceMean(g, g.emit('Mul', [centred, centred], 'sq'), axes, true, 'batch_var');
    invStd = g.emit('Reciprocal', [g.emit('Sqrt', [g.emit('Add', [variance, eps], 'var_eps')], 'std')], 'inv_std');
    xhat = g.emit('Mul', [centred, invStd], 'xhat');
  } else {
    invStd = asChannel(g.emit('Reciprocal', [g.emit('Sqrt', [g.emit('Add', [g.input(4), eps], 'var_eps')], 'std')], 'inv_std_c'), 'inv_std');
    xhat = g.needs(1) ? g.emit('Mul', [g.emit('Sub', [g.input(0), asChannel(g.input(3), 'mean')], 'centred'), invStd], 'xhat') : '';
  }
  const dBias = g.needs(2) || (training && g.needs(0)) ? reduceSum(g, dY, axes, false, 'dbias') : '';
  const dScale = g.needs(1) || (training && g.needs(0)) ? reduceSum(g, g.emit('Mul', [dY, xhat], 'dy_xhat'), axes, false, 'dscale') : '';
  if (g.needs(2)) g.setInputGrad(2, dBias);
  if (g.needs(1)) g.setInputGrad(1, dScale);
  if (g.needs(0)) {
    const k = g.emit('Mul', [asChannel(g.input(1), 'scale'), invStd], 'k');
    if (!training) {
      g.setInputGrad(0, g.emit('Mul', [dY, k], 'dx'));
      return;
    }
    // dX = k dY - (k / M) (dBias + xhat dScale): per-channel coefficients, then two products.
    const m = x.shape.reduce((a, d, i) => (i === 1 ? a : a * d), 1);
    const kOverM = g.emit('Mul', [k, scalar(g, 'inv_m', -1 / m, x.dtype)], 'neg_k_over_m');
    const shift = g.emit('Mul', [kOverM, asChannel(dBias, 'dbias_c')], 'shift');
    const slope = g.emit('Mul', [kOverM, asChannel(dScale, 'dscale_c')], 'slope');
    const scaled = g.emit('Add', [g.emit('Mul', [dY, k], 'k_dy'), g.emit('Mul', [xhat, slope], 'xhat_term')], 'sum');
    g.setInputGrad(0, g.emit('Add', [scaled, shift], 'dx'));
  }
}
