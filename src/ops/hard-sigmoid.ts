import { activationOp } from './shared/activation.js';

/** HardSigmoid (opset 6+): max(0, min(1, alpha * x + beta)). 4 FLOPs per element: multiply, add, min, max. */
export const hardSigmoid = activationOp('HardSigmoid', 6, 4, (ctx) => {
  const alpha = ctx.attrs.float('alpha', 0.2);
  const beta = ctx.attrs.float('beta', 0.5);
  return (x) => Math.max(0, Math.min(1, alpha * x + beta));
});
