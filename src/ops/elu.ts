import { activationOp } from './shared/activation.js';

/** Elu (opset 6+): x < 0 ? alpha * (exp(x) - 1) : x. 4 FLOPs per element: compare, exp, subtract, multiply. */
export const elu = activationOp('Elu', 6, 4, (ctx) => {
  const alpha = ctx.attrs.float('alpha', 1);
  return (x) => (x < 0 ? alpha * (Math.exp(x) - 1) : x);
});
