import { reductionAtInput } from './grad-context.js';
import type { OpDef } from './op.js';
import { reduceOp } from './shared/reduce.js';

/** ReduceL2 (opset 1+; axes as input since 18): Euclidean norm over `axes`. */
export const reduceL2: OpDef = {
  ...reduceOp({
    opType: 'ReduceL2',
    axesInputSince: 18,
    init: 0,
    step: (acc, x) => acc + x * x,
    finish: (acc) => Math.sqrt(acc),
    differentiable: [true, false],
    flopsPerElement: 2,
  }),
  gradient(g) {
    // dX = dY X / Y (Y the norm), broadcast back over the reduced axes
    const r = reductionAtInput(g, 18);
    const dy = r.dy();
    const y = r.y();
    g.setInputGrad(0, g.emit('Mul', [dy, g.emit('Div', [g.input(0), y], 'x_over_y')], 'dx'));
  },
};
