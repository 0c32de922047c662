import { expandReduced, reducedAxes } from './grad-context.js';
import type { OpDef } from './op.js';
import { reduceOp } from './shared/reduce.js';

/** ReduceMax (opset 1+; axes as input since 18): maximum over `axes` (all when none). */
export const reduceMax: OpDef = {
  ...reduceOp({
    opType: 'ReduceMax',
    axesInputSince: 18,
    init: -Infinity,
    step: (acc, x) => (x > acc || Number.isNaN(x) ? x : acc),
    differentiable: [true, false],
  }),
  gradient(g) {
    // dX = dY at the elements equal to their group's maximum (every tie receives it), else 0
    const axes = reducedAxes(g, 18);
    if (!axes.length) { g.setInputGrad(0, g.emit('Identity', [g.outGrad(0)], 'dx')); return; }
    const yFull = expandReduced(g, g.output(0), axes, 'y_full');
    const isMax = g.emit('Equal', [g.input(0), yFull], 'is_max');
    const dyFull = expandReduced(g, g.outGrad(0), axes, 'dy_full');
    g.setInputGrad(0, g.emit('Where', [isMax, dyFull, g.constant('zero', g.inputInfo(0).dtype, [], [0])], 'dx'));
  },
};
