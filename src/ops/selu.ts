import { activationOp } from './shared/activation.js';

/**
 * Selu (opset 6+): gamma * (x <= 0 ? alpha * (exp(x) - 1) : x). 5 FLOPs per element:
 * compare, exp, subtract, multiply by alpha, multiply by gamma.
 */
export const selu = activationOp('Selu', 6, 5, (ctx) => {
  const alpha = ctx.attrs.float('alpha', 1.67326319217681884765625);
  const gamma = ctx.attrs.float('gamma', 1.05070102214813232421875);
  return (x) => gamma * (x <= 0 ? alpha * (Math.exp(x) - 1) : x);
});
