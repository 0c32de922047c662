import { broadcastOp } from './shared/elementwise.js';
import { legacyBroadcast } from './shared/legacy-broadcast.js';

/** Mul (opset 7+): elementwise product, NumPy broadcasting. One FLOP per output element. */
export const mul = broadcastOp('Mul', 2, 1, ([a, b]) => (a as number) * (b as number), { differentiable: [true, true] });

/** Mul before opset 7: the `broadcast`/`axis` attribute form. */
export const mulLegacy = legacyBroadcast(mul);
