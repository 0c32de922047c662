import { unaryOp } from './shared/elementwise.js';
import { erfApprox } from './shared/math.js';

/** Erf (opset 9+): the error function. 1 FLOP per element (a transcendental counts as 1). */
export const erf = unaryOp('Erf', 1, erfApprox, { sinceVersion: 9, differentiable: [true] });
