import { scalar, times } from './grad-context.js';
import type { OpDef } from './op.js';
import { activationOp } from './shared/activation.js';
import { erfApprox } from './shared/math.js';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * Gelu (opset 20+). approximate "none": 0.5 * x * (1 + erf(x / sqrt 2)), 5 FLOPs per element
 * (divide, erf, add, two multiplies). approximate "tanh": 0.5 * x * (1 + tanh(sqrt(2/pi) *
 * (x + 0.044715 x^3))), 9 FLOPs (x^3 as two multiplies, multiply, add, multiply, tanh, add,
 * two multiplies).
 */
export const gelu: OpDef = {
  ...activationOp(
    'Gelu',
    20,
    (ctx) => (ctx.attrs.string('approximate', 'none') === 'tanh' ? 9 : 5),
    (ctx) =>
      ctx.attrs.string('approximate', 'none') === 'tanh'
        ? (x) => 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)))
        : (x) => 0.5 * x * (1 + erfApprox(x / Math.SQRT2)),
  ),
  // none: dY/dX = Phi(X) + X phi(X) (normal cdf and density);
  // tanh: 0.5 (1 + t) + 0.5 X (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 X^2), t = tanh(u).
  gradient(g) {
    const x = g.input(0);
    const mul = (a: string, b: string, p: string) => g.emit('Mul', [a, b], p);
    const x2 = mul(x, x, 'x2');
    let slope: string;
    if (g.attrs.string('approximate', 'none') === 'tanh') {
      const inner = mul(g.emit('Add', [x, mul(mul(x2, x, 'x3'), scalar(g, 'c', 0.044715), 'cx3')], 'x_plus'), scalar(g, 'k', SQRT_2_OVER_PI), 'u');
      const t = g.emit('Tanh', [inner], 't');
      const left = mul(g.emit('Add', [scalar(g, 'one', 1), t], 'one_plus_t'), scalar(g, 'half', 0.5), 'left');
      const sech2 = g.emit('Sub', [scalar(g, 'one_b', 1), mul(t, t, 't2')], 'sech2');
      const du = mul(g.emit('Add', [scalar(g, 'one_c', 1), mul(x2, scalar(g, 'c3', 3 * 0.044715), 'c3x2')], 'du_base'), scalar(g, 'k2', SQRT_2_OVER_PI), 'du');
      slope = g.emit('Add', [left, mul(mul(mul(x, scalar(g, 'half_b', 0.5), 'half_x'), sech2, 'hx_sech2'), du, 'right')], 'slope');
    } else {
      const cdf = mul(g.emit('Add', [scalar(g, 'one', 1), g.emit('Erf', [mul(x, scalar(g, 'inv_sqrt2', Math.SQRT1_2), 'x_scaled')], 'erf')], 'one_plus_erf'), scalar(g, 'half', 0.5), 'cdf');
      const pdf = mul(g.emit('Exp', [mul(x2, scalar(g, 'neg_half', -0.5), 'neg_half_x2')], 'exp'), scalar(g, 'inv_sqrt_2pi', 1 / Math.sqrt(2 * Math.PI)), 'pdf');
      slope = g.emit('Add', [cdf, mul(x, pdf, 'x_pdf')], 'slope');
    }
    g.setInputGrad(0, times(g, slope));
  },
};
