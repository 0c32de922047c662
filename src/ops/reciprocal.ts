import { unaryOp } from './shared/elementwise.js';

/** Reciprocal (opset 6+): 1 / x. 1 FLOP per element. */
export const reciprocal = unaryOp('Reciprocal', 1, (x) => 1 / x, { differentiable: [true] });
