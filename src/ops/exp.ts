import { times } from './grad-context.js';
import { unaryOp } from './shared/elementwise.js';

/** Exp (opset 6+): e^x. 1 FLOP per element (a transcendental counts as 1). */
export const exp = unaryOp('Exp', 1, Math.exp, {
  differentiable: [true],
  gradient(g) {
    // dX = dY * Y
    g.setInputGrad(0, times(g, g.output(0)));
  },
});
