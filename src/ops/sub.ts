import { sumToInputShape } from './grad-context.js';
import { broadcastOp } from './shared/elementwise.js';
import { legacyBroadcast } from './shared/legacy-broadcast.js';

/** Sub (opset 7+): elementwise difference, NumPy broadcasting. One FLOP per output element. */
export const sub = broadcastOp('Sub', 2, 1, ([a, b]) => a! - b!, {
  differentiable: [true, true],
  gradient(g) {
    // dA = dY, dB = -dY, each summed to its operand's shape
    if (g.needs(0)) g.setInputGrad(0, sumToInputShape(g, g.outGrad(0), 0));
    if (g.needs(1)) g.setInputGrad(1, sumToInputShape(g, g.emit('Neg', [g.outGrad(0)], 'neg_dy'), 1));
  },
});

/** Sub before opset 7: the `broadcast`/`axis` attribute form. */
export const subLegacy = legacyBroadcast(sub);
