import { unaryOp } from './shared/elementwise.js';

/** Floor (opset 6+): round toward -inf. Piecewise constant, so no gradient flows. */
export const floor = unaryOp('Floor', 1, Math.floor, { differentiable: [false] });
