import { scalar, times } from './grad-context.js';
import { unaryOp } from './shared/elementwise.js';
import { erfApprox } from './shared/math.js';

/** Erf (opset 9+): the error function. 1 FLOP per element (a transcendental counts as 1). */
export const erf = unaryOp('Erf', 1, erfApprox, {
  sinceVersion: 9,
  differentiable: [true],
  gradient(g) {
    // dX = dY * 2/sqrt(pi) * exp(-X^2)
    const x2 = g.emit('Mul', [g.input(0), g.input(0)], 'x2');
    const e = g.emit('Exp', [g.emit('Neg', [x2], 'neg_x2')], 'exp');
    g.setInputGrad(0, times(g, g.emit('Mul', [e, scalar(g, 'c', 2 / Math.sqrt(Math.PI))], 'slope')));
  },
});
