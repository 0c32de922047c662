import { reductionAtInput } from './grad-context.js';
import type { OpDef } from './op.js';
import { reduceOp } from './shared/reduce.js';

/** ReduceL1 (opset 1+; axes as input since 18): sum of absolute values over `axes`. */
export const reduceL1: OpDef = {
  ...reduceOp({
    opType: 'ReduceL1',
    axesInputSince: 18,
    init: 0,
    step: (acc, x) => acc + Math.abs(x),
    differentiable: [true, false],
    flopsPerElement: 2,
  }),
  gradient(g) {
    // dX = dY sign(X), dY broadcast back over the reduced axes
    const r = reductionAtInput(g, 18);
    const dy = r.dy();
    g.setInputGrad(0, g.emit('Mul', [dy, g.emit('Sign', [g.input(0)], 'sign')], 'dx'));
  },
};
