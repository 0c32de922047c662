import { scalar } from './grad-context.js';
import { unaryOp } from './shared/elementwise.js';

/** Sqrt (opset 6+): square root. 1 FLOP per element. */
export const sqrt = unaryOp('Sqrt', 1, Math.sqrt, {
  differentiable: [true],
  gradient(g) {
    // dX = dY / (2 Y)
    g.setInputGrad(0, g.emit('Div', [g.outGrad(0), g.emit('Mul', [g.output(0), scalar(g, 'two', 2)], 'two_y')], 'dx'));
  },
});
