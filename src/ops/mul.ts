import { sumToInputShape } from './grad-context.js';
import { broadcastOp } from './shared/elementwise.js';
import { legacyBroadcast } from './shared/legacy-broadcast.js';

/** Mul (opset 7+): elementwise product, NumPy broadcasting. One FLOP per output element. */
export const mul = broadcastOp('Mul', 2, 1, ([a, b]) => a! * b!, {
  differentiable: [true, true],
  gradient(g) {
    // dA = reduce-to-shape(dY * B, A); dB likewise with A
    for (const [i, other] of [[0, 1], [1, 0]] as const) {
      if (!g.needs(i)) continue;
      g.setInputGrad(i, sumToInputShape(g, g.emit('Mul', [g.outGrad(0), g.input(other)], `d${i}_full`), i));
    }
  },
});

/** Mul before opset 7: the `broadcast`/`axis` attribute form. */
export const mulLegacy = legacyBroadcast(mul);
