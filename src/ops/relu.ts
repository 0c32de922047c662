import { scalar } from './grad-context.js';
import { unaryOp } from './shared/elementwise.js';

/** Relu (opset 6+): max(x, 0). Counted as one FLOP per element (a compare). */
export const relu = unaryOp('Relu', 1, (x) => Math.max(x, 0), {
  differentiable: [true],
  // dX = dY where Y > 0, else 0 (reads Y, so X need not be kept).
  gradient(g) {
    const zero = scalar(g, 'zero', 0, g.outputInfo(0).dtype);
    const positive = g.emit('Greater', [g.output(0), zero], 'positive');
    g.setInputGrad(0, g.emit('Where', [positive, g.outGrad(0), zero], 'dx'));
  },
});
