import { sumToInputShape } from './grad-context.js';
import { broadcastOp } from './shared/elementwise.js';

/**
 * Pow (opset 7+; the exponent's type may differ from the base's since 12): base ^ exponent
 * with NumPy broadcasting; the output has the base's type. 1 FLOP per output element.
 */
export const pow = broadcastOp('Pow', 2, 1, ([a, b]) => a! ** b!, {
  differentiable: [true, true],
  // dA = dY B A^(B-1); dB = dY Y ln A (each summed to its operand's shape).
  gradient(g) {
    const [a, b, y, dY] = [g.input(0), g.input(1), g.output(0), g.outGrad(0)];
    if (g.needs(0)) {
      const bMinus1 = g.emit('Sub', [b, g.constant('one', g.inputInfo(1).dtype, [], [1])], 'b_minus_1');
      const slope = g.emit('Mul', [b, g.emit('Pow', [a, bMinus1], 'a_pow')], 'slope_a');
      g.setInputGrad(0, sumToInputShape(g, g.emit('Mul', [dY, slope], 'da_full'), 0));
    }
    if (g.needs(1)) {
      const slope = g.emit('Mul', [y, g.emit('Log', [a], 'log_a')], 'slope_b');
      g.setInputGrad(1, sumToInputShape(g, g.emit('Mul', [dY, slope], 'db_full'), 1));
    }
  },
});
