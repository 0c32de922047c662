import { broadcastOp } from './shared/elementwise.js';

/**
 * Pow (opset 7+; the exponent's type may differ from the base's since 12): base ^ exponent
 * with NumPy broadcasting; the output has the base's type. 1 FLOP per output element.
 */
export const pow = broadcastOp('Pow', 2, 1, ([a, b]) => (a as number) ** (b as number), { differentiable: [true, true] });
