import type { Inputs, OpContext, OpDef, TensorInfo } from './op.js';
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
};
