import { reductionAtInput } from './grad-context.js';
import type { OpDef } from './op.js';
import { reduceOp } from './shared/reduce.js';

/** ReduceSumSquare (opset 1+; axes as input since 18): sum of squares over `axes`. */
export const reduceSumSquare: OpDef = {
  ...reduceOp({
    opType: 'ReduceSumSquare',
    axesInputSince: 18,
    init: 0,
    step: (acc, x) => acc + x * x,
    differentiable: [true, false],
    flopsPerElement: 2,
  }),
  gradient(g) {
    // dX = 2 X dY (dY broadcast back over the reduced axes)
    const r = reductionAtInput(g, 18);
    const dy = r.dy();
    g.setInputGrad(0, g.emit('Mul', [g.emit('Mul', [g.input(0), g.constant('two', g.inputInfo(0).dtype, [], [2])], 'two_x'), dy], 'dx'));
  },
};
