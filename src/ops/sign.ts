import { unaryOp } from './shared/elementwise.js';

/** Sign (opset 9+): -1, 0 or 1. */
export const sign = unaryOp('Sign', 1, (x) => (x > 0 ? 1 : x < 0 ? -1 : 0), { sinceVersion: 9, differentiable: [false] });
