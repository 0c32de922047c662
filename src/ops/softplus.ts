import type { OpDef } from './op.js';
import { times } from './grad-context.js';
import { activationOp } from './shared/activation.js';

/** Softplus (opset 1+): log(exp(x) + 1). 3 FLOPs per element: exp, add, log. */
export const softplus: OpDef = {
  ...activationOp('Softplus', 1, 3, () => (x) => (x > 30 ? x : Math.log1p(Math.exp(x)))),
  gradient(g) {
    // dX = dY * sigmoid(X)
    g.setInputGrad(0, times(g, g.emit('Sigmoid', [g.input(0)], 'sigmoid')));
  },
};
