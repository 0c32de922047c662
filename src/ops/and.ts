import { broadcastOp } from './shared/elementwise.js';

/** And (opset 7+): logical and of two bool tensors, broadcasting. */
export const and = broadcastOp('And', 2, 1, ([a, b]) => (a && b ? 1 : 0), { differentiable: [false, false] });
