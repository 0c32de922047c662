import { sumToInputShape } from './grad-context.js';
import { broadcastOp } from './shared/elementwise.js';
import { legacyBroadcast } from './shared/legacy-broadcast.js';

/**
 * Div (opset 7+): elementwise quotient, NumPy broadcasting. One FLOP per output element.
 * On integer types the quotient truncates toward zero (broadcastOp truncates integral results),
 * which is what exporters rely on in shape arithmetic such as `H / 2`.
 */
export const div = broadcastOp('Div', 2, 1, ([a, b]) => a! / b!, {
  differentiable: [true, true],
  gradient(g) {
    // dA = dY / B; dB = -dY * Y / B (each summed to its operand's shape)
    if (g.needs(0)) g.setInputGrad(0, sumToInputShape(g, g.emit('Div', [g.outGrad(0), g.input(1)], 'da_full'), 0));
    if (g.needs(1)) {
      const q = g.emit('Div', [g.emit('Mul', [g.outGrad(0), g.output(0)], 'dy_y'), g.input(1)], 'dy_y_b');
      g.setInputGrad(1, sumToInputShape(g, g.emit('Neg', [q], 'db_full'), 1));
    }
  },
});

/** Div before opset 7: the `broadcast`/`axis` attribute form. */
export const divLegacy = legacyBroadcast(div);
