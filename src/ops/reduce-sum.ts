import { expandReduced, reducedAxes } from './grad-context.js';
import type { OpDef } from './op.js';
import { reduceOp } from './shared/reduce.js';

/** ReduceSum (opset 1+; axes as input since 13): sum over `axes` (all when none). */
export const reduceSum: OpDef = {
  ...reduceOp({
    opType: 'ReduceSum',
    axesInputSince: 13,
    init: 0,
    step: (acc, x) => acc + x,
    differentiable: [true, false],
  }),
  gradient(g) {
    // dX = dY broadcast back over the reduced axes
    const axes = reducedAxes(g, 13);
    g.setInputGrad(0, axes.length ? expandReduced(g, g.outGrad(0), axes, 'dx') : g.emit('Identity', [g.outGrad(0)], 'dx'));
  },
};
