import { sumToInputShape } from './grad-context.js';
import { broadcastOp } from './shared/elementwise.js';
import { legacyBroadcast } from './shared/legacy-broadcast.js';

/** Add (opset 7+): elementwise sum, NumPy broadcasting. One FLOP per output element. */
export const add = broadcastOp('Add', 2, 1, ([a, b]) => a! + b!, {
  differentiable: [true, true],
  // dA = reduce-to-shape(dY, A); dB likewise.
  gradient(g) {
    for (const i of [0, 1]) if (g.needs(i)) g.setInputGrad(i, sumToInputShape(g, g.outGrad(0), i));
  },
});

/** Add (opset 1-6): B broadcast into A from `axis` when `broadcast` is set. */
export const addLegacy = legacyBroadcast(add);
