import { times } from './grad-context.js';
import { unaryOp } from './shared/elementwise.js';

/** Reciprocal (opset 6+): 1 / x. 1 FLOP per element. */
export const reciprocal = unaryOp('Reciprocal', 1, (x) => 1 / x, {
  differentiable: [true],
  gradient(g) {
    // dX = -dY * Y^2
    const y2 = g.emit('Mul', [g.output(0), g.output(0)], 'y2');
    g.setInputGrad(0, g.emit('Neg', [times(g, y2, 'dy_y2')], 'dx'));
  },
});
