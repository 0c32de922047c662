import { broadcastOp } from './shared/elementwise.js';

/** Sub (opset 7+): elementwise difference, NumPy broadcasting. One FLOP per output element. */
export const sub = broadcastOp('Sub', 2, 1, ([a, b]) => (a as number) - (b as number), { differentiable: [true, true] });
