import { unaryOp } from './shared/elementwise.js';

/** Log (opset 6+): natural logarithm. 1 FLOP per element (a transcendental counts as 1). */
export const log = unaryOp('Log', 1, Math.log, {
  differentiable: [true],
  gradient(g) {
    // dX = dY / X
    g.setInputGrad(0, g.emit('Div', [g.outGrad(0), g.input(0)], 'dx'));
  },
});
