import { reductionAtInput } from './grad-context.js';
import type { OpDef } from './op.js';
import { reduceOp } from './shared/reduce.js';

/** ReduceLogSumExp (opset 1+; axes as input since 18): log(sum(exp(x))) over `axes`. */
export const reduceLogSumExp: OpDef = {
  ...reduceOp({
    opType: 'ReduceLogSumExp',
    axesInputSince: 18,
    init: 0,
    step: (acc, x) => acc + Math.exp(x),
    finish: (acc) => Math.log(acc),
    differentiable: [true, false],
    flopsPerElement: 2,
  }),
  gradient(g) {
    // dX = dY exp(X - Y): the softmax over the reduced axes
    const r = reductionAtInput(g, 18);
    const dy = r.dy();
    const y = r.y();
    g.setInputGrad(0, g.emit('Mul', [dy, g.emit('Exp', [g.emit('Sub', [g.input(0), y], 'x_minus_y')], 'softmax')], 'dx'));
  },
};
