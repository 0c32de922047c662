import { unaryOp } from './shared/elementwise.js';

/** Abs (opset 6+): |x|, also on integers (shape arithmetic). 1 FLOP per element. */
export const abs = unaryOp('Abs', 1, Math.abs, { differentiable: [true] });
