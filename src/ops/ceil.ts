import { unaryOp } from './shared/elementwise.js';

/** Ceil (opset 6+): round toward +inf. Piecewise constant, so no gradient flows. */
export const ceil = unaryOp('Ceil', 1, Math.ceil, { differentiable: [false] });
