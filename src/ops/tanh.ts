import { scalar, times } from './grad-context.js';
import { unaryOp } from './shared/elementwise.js';

/** Tanh (opset 6+): hyperbolic tangent. 1 FLOP per element (a transcendental counts as 1). */
export const tanh = unaryOp('Tanh', 1, Math.tanh, {
  differentiable: [true],
  gradient(g) {
    // dX = dY * (1 - Y^2)
    const y2 = g.emit('Mul', [g.output(0), g.output(0)], 'y2');
    g.setInputGrad(0, times(g, g.emit('Sub', [scalar(g, 'one', 1), y2], 'slope')));
  },
});
