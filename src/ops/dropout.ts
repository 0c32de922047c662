import { numelOf } from '../onnx/tensor.js';
import { BadModelError } from '../errors.js';
import { type GradContext, scalar } from './grad-context.js';
import { type TensorInfo, numel, totalBytes } from '../graph/tensor-meta.js';
import type { Inputs, OpContext, OpDef } from './op.js';
import { MAX_FOLD_ELEMENTS } from './shared/elementwise.js';
import { fail, required } from './shared/tensor-info.js';

/**
 * Whether the node drops anything: before 7 when is_test = 0; 7 to 11 never (inference only);
 * since 12 when the training_mode input is given and is not the constant false.
 */
function isTraining(ctx: OpContext, inputs: Inputs): boolean {
  if (ctx.opset < 7) return ctx.attrs.int('is_test', 0) === 0;
  if (ctx.opset < 12) return false;
  const t = inputs[2];
  return t !== undefined && !(t.value && t.value.data[0] === 0);
}

/**
 * Dropout (opset 1+; ratio an attribute before 12, then optional inputs ratio and
 * training_mode; mask bool since 10, X's type before). Y and the optional mask have X's shape.
 * In inference it is the identity (0 FLOPs, folded like Identity); training costs 2 FLOPs per
 * element (compare a random draw with the ratio, scale the kept value; drawing not counted).
 */
export const dropout: OpDef = {
  opType: 'Dropout',
  sinceVersion: 1,
  differentiable: [true, false, false],
  inferShape(ctx, inputs) {
    const x = required(ctx, inputs, 0);
    const ratio = inputs[1];
    if (ctx.opset >= 12 && ratio && numelOf(ratio.shape) !== 1) fail(ctx, `ratio must be a scalar, has shape [${ratio.shape.join(', ')}]`);
    const outs: TensorInfo[] = [{ dtype: x.dtype, shape: x.shape }];
    if (ctx.node.output.length > 1 && ctx.node.output[1]) outs.push({ dtype: ctx.opset >= 10 ? 'bool' : x.dtype, shape: x.shape });
    return outs;
  },
  cost(ctx, inputs, outputs) {
    const x = required(ctx, inputs, 0);
    return { flops: isTraining(ctx, inputs) ? 2 * numel(x) : 0, bytesRead: totalBytes(inputs), bytesWritten: totalBytes(outputs) };
  },
  evaluate(ctx, inputs) {
    const x = inputs[0]?.value;
    if (!x || isTraining(ctx, inputs) || numelOf(x.dims) > MAX_FOLD_ELEMENTS) return undefined;
    const outs = [x];
    if (ctx.node.output.length > 1) outs.push({ dtype: ctx.opset >= 10 ? 'bool' : x.dtype, dims: x.dims, data: new Array<number>(numelOf(x.dims)).fill(1) });
    return outs;
  },
  gradient: dropoutGradient,
};

/** Inference: dX = dY. Training: dX = dY * mask / (1 - ratio), the mask being output 1. */
function dropoutGradient(g: GradContext): void {
  const inputs = [0, 1, 2].map((i) => (g.input(i) ? g.inputInfo(i) : undefined));
  if (!isTraining(g.ctx, inputs)) {
    g.setInputGrad(0, g.emit('Identity', [g.outGrad(0)], 'dx'));
    return;
  }
  const mask = g.output(1);
  if (!mask) throw new BadModelError(`Dropout node "${g.ctx.name}" trains without a mask output: its gradient needs the mask (output 1)`);
  const ratio = g.input(1) || scalar(g, 'ratio', 0.5);
  const keep = g.emit('Sub', [scalar(g, 'one', 1), ratio], 'keep');
  const kept = g.emit('Mul', [g.outGrad(0), g.emit('Cast', [mask], 'mask_float', { to: 1 })], 'dy_kept');
  g.setInputGrad(0, g.emit('Div', [kept, keep], 'dx'));
}
