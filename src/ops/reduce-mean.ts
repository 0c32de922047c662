import { expandReduced, reducedAxes } from './grad-context.js';
import type { OpDef } from './op.js';
import { reduceOp } from './shared/reduce.js';

/** ReduceMean (opset 1+; axes as input since 18): mean over `axes` (all when none). */
export const reduceMean: OpDef = {
  ...reduceOp({
    opType: 'ReduceMean',
    axesInputSince: 18,
    init: 0,
    step: (acc, x) => acc + x,
    finish: (acc, count) => acc / count,
    differentiable: [true, false],
  }),
  gradient(g) {
    // dX = dY / (elements per group), broadcast back over the reduced axes
    const axes = reducedAxes(g, 18);
    if (!axes.length) { g.setInputGrad(0, g.emit('Identity', [g.outGrad(0)], 'dx')); return; }
    const count = axes.reduce((a, i) => a * g.inputInfo(0).shape[i]!, 1); // reduced axes are axes of the input
    const scaled = g.emit('Mul', [g.outGrad(0), g.constant('inv_count', g.inputInfo(0).dtype, [], [1 / count])], 'dy_mean');
    g.setInputGrad(0, expandReduced(g, scaled, axes, 'dx'));
  },
};
