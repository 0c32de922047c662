import { unaryOp } from './shared/elementwise.js';

/** Sqrt (opset 6+): square root. 1 FLOP per element. */
export const sqrt = unaryOp('Sqrt', 1, Math.sqrt, { differentiable: [true] });
