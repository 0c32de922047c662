import { reduceSum } from './grad-context.js';
import type { OpDef } from './op.js';
import { softmaxAxis, softmaxLike } from './shared/softmax-like.js';

/** LogSoftmax (opset 1+): x - max - log(sum exp(x - max)), over the axis (coerced 2-D before opset 13). 5 FLOPs per element. */
export const logSoftmax: OpDef = {
  ...softmaxLike('LogSoftmax'),
  // dX = dY - exp(Y) sum(dY) over the softmax axes (opset < 13: every axis from `axis` on).
  gradient(g) {
    const rank = g.inputInfo(0).shape.length;
    const axis = softmaxAxis(g.ctx, rank);
    const axes = g.opset < 13 ? Array.from({ length: rank - axis }, (_, i) => axis + i) : [axis];
    const total = reduceSum(g, g.outGrad(0), axes, true, 'total');
    const p = g.emit('Exp', [g.output(0)], 'softmax');
    g.setInputGrad(0, g.emit('Sub', [g.outGrad(0), g.emit('Mul', [p, total], 'p_total')], 'dx'));
  },
};
