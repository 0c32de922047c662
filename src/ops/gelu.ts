import { activationOp } from './shared/activation.js';
import { erfApprox } from './shared/math.js';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * Gelu (opset 20+). approximate "none": 0.5 * x * (1 + erf(x / sqrt 2)), 5 FLOPs per element
 * (divide, erf, add, two multiplies). approximate "tanh": 0.5 * x * (1 + tanh(sqrt(2/pi) *
 * (x + 0.044715 x^3))), 9 FLOPs (x^3 as two multiplies, multiply, add, multiply, tanh, add,
 * two multiplies).
 */
export const gelu = activationOp(
  'Gelu',
  20,
  (ctx) => (ctx.attrs.string('approximate', 'none') === 'tanh' ? 9 : 5),
  (ctx) =>
    ctx.attrs.string('approximate', 'none') === 'tanh'
      ? (x) => 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)))
      : (x) => 0.5 * x * (1 + erfApprox(x / Math.SQRT2)),
);
