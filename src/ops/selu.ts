import type { OpDef } from './op.js';
import { scalar, times } from './grad-context.js';
import { activationOp } from './shared/activation.js';

/**
 * Selu (opset 6+): gamma * (x <= 0 ? alpha * (exp(x) - 1) : x). 5 FLOPs per element:
 * compare, exp, subtract, multiply by alpha, multiply by gamma.
 */
export const selu: OpDef = {
  ...activationOp('Selu', 6, 5, (ctx) => {
    const alpha = ctx.attrs.float('alpha', 1.67326319217681884765625);
    const gamma = ctx.attrs.float('gamma', 1.05070102214813232421875);
    return (x) => gamma * (x <= 0 ? alpha * (Math.exp(x) - 1) : x);
  }),
  gradient(g) {
    // dX = gamma dY where X > 0, dY (Y + gamma alpha) elsewhere
    const alpha = g.attrs.float('alpha', 1.67326319217681884765625);
    const gamma = g.attrs.float('gamma', 1.05070102214813232421875);
    const positive = g.emit('Greater', [g.input(0), scalar(g, 'zero', 0)], 'positive');
    const pos = times(g, scalar(g, 'gamma', gamma), 'dy_pos');
    const neg = times(g, g.emit('Add', [g.output(0), scalar(g, 'gamma_alpha', gamma * alpha)], 'y_plus'), 'dy_neg');
    g.setInputGrad(0, g.emit('Where', [positive, pos, neg], 'dx'));
  },
};
