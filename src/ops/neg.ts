import { unaryOp } from './shared/elementwise.js';

/** Neg (opset 6+): -x, also on integers (shape arithmetic). 1 FLOP per element. */
export const neg = unaryOp('Neg', 1, (x) => -x, {
  differentiable: [true],
  gradient(g) {
    // dX = -dY
    g.setInputGrad(0, g.emit('Neg', [g.outGrad(0)], 'dx'));
  },
});
