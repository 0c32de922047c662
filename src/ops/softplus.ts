import { activationOp } from './shared/activation.js';

/** Softplus (opset 1+): log(exp(x) + 1). 3 FLOPs per element: exp, add, log. */
export const softplus = activationOp('Softplus', 1, 3, () => (x) => (x > 30 ? x : Math.log1p(Math.exp(x))));
