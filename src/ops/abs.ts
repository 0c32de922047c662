import { times } from './grad-context.js';
import { unaryOp } from './shared/elementwise.js';

/** Abs (opset 6+): |x|, also on integers (shape arithmetic). 1 FLOP per element. */
export const abs = unaryOp('Abs', 1, Math.abs, {
  differentiable: [true],
  gradient(g) {
    // dX = dY * sign(X)
    g.setInputGrad(0, times(g, g.emit('Sign', [g.input(0)], 'sign')));
  },
});
