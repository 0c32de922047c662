import { unaryOp } from './shared/elementwise.js';

/** Tanh (opset 6+): hyperbolic tangent. 1 FLOP per element (a transcendental counts as 1). */
export const tanh = unaryOp('Tanh', 1, Math.tanh, { differentiable: [true] });
