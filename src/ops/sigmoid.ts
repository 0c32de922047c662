import { scalar, times } from './grad-context.js';
import { unaryOp } from './shared/elementwise.js';

/** Sigmoid (opset 6+): 1 / (1 + exp(-x)). 4 FLOPs per element: negate, exp, add, divide (exp counted as 1). */
export const sigmoid = unaryOp('Sigmoid', 4, (x) => 1 / (1 + Math.exp(-x)), {
  differentiable: [true],
  gradient(g) {
    // dX = dY * Y * (1 - Y)
    const oneMinus = g.emit('Sub', [scalar(g, 'one', 1), g.output(0)], 'one_minus_y');
    g.setInputGrad(0, times(g, g.emit('Mul', [g.output(0), oneMinus], 'slope')));
  },
});
