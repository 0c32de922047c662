import { broadcastOp } from './shared/elementwise.js';

/** Add (opset 7+): elementwise sum, NumPy broadcasting. One FLOP per output element. */
export const add = broadcastOp('Add', 2, 1, ([a, b]) => (a as number) + (b as number), { differentiable: [true, true] });
