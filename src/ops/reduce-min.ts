import { expandReduced, reducedAxes } from './grad-context.js';
import type { OpDef } from './op.js';
import { reduceOp } from './shared/reduce.js';

/** ReduceMin (opset 1+; axes as input since 18): minimum over `axes` (all when none). */
export const reduceMin: OpDef = {
  ...reduceOp({
    opType: 'ReduceMin',
    axesInputSince: 18,
    init: Infinity,
    step: (acc, x) => (x < acc || Number.isNaN(x) ? x : acc),
    differentiable: [true, false],
  }),
  gradient(g) {
    // dX = dY at the elements equal to their group's minimum (every tie receives it), else 0
    const axes = reducedAxes(g, 18);
    if (!axes.length) { g.setInputGrad(0, g.emit('Identity', [g.outGrad(0)], 'dx')); return; }
    const isMin = g.emit('Equal', [g.input(0), expandReduced(g, g.output(0), axes, 'y_full')], 'is_min');
    g.setInputGrad(0, g.emit('Where', [isMin, expandReduced(g, g.outGrad(0), axes, 'dy_full'), g.constant('zero', g.inputInfo(0).dtype, [], [0])], 'dx'));
  },
};
