import { reduceSum } from './grad-context.js';
import type { OpDef } from './op.js';
import { softmaxAxis, softmaxLike } from './shared/softmax-like.js';

/** Softmax (opset 1+): exp(x - max) / sum, over the axis (coerced 2-D before opset 13). 5 FLOPs per element. */
export const softmax: OpDef = {
  ...softmaxLike('Softmax'),
  // dX = Y (dY - sum(dY Y)) over the softmax axes (opset < 13: every axis from `axis` on).
  gradient(g) {
    const rank = g.inputInfo(0).shape.length;
    const axis = softmaxAxis(g.ctx, rank);
    const axes = g.opset < 13 ? Array.from({ length: rank - axis }, (_, i) => axis + i) : [axis];
    const dot = reduceSum(g, g.emit('Mul', [g.outGrad(0), g.output(0)], 'dy_y'), axes, true, 'dot');
    g.setInputGrad(0, g.emit('Mul', [g.output(0), g.emit('Sub', [g.outGrad(0), dot], 'centred')], 'dx'));
  },
};
