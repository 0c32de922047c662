import { activationOp } from './shared/activation.js';

/** LeakyRelu (opset 6+): x < 0 ? alpha * x : x, alpha default 0.01. 2 FLOPs per element: compare, multiply. */
export const leakyRelu = activationOp('LeakyRelu', 6, 2, (ctx) => {
  const alpha = ctx.attrs.float('alpha', 0.01);
  return (x) => (x < 0 ? alpha * x : x);
});
