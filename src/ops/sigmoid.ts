import { unaryOp } from './shared/elementwise.js';

/** Sigmoid (opset 6+): 1 / (1 + exp(-x)). 4 FLOPs per element: negate, exp, add, divide (exp counted as 1). */
export const sigmoid = unaryOp('Sigmoid', 4, (x) => 1 / (1 + Math.exp(-x)), { differentiable: [true] });
