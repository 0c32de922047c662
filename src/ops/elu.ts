import type { OpDef } from './op.js';
import { scalar, times } from './grad-context.js';
import { activationOp } from './shared/activation.js';

/** Elu (opset 6+): x < 0 ? alpha * (exp(x) - 1) : x. 4 FLOPs per element: compare, exp, subtract, multiply. */
export const elu: OpDef = {
  ...activationOp('Elu', 6, 4, (ctx) => {
    const alpha = ctx.attrs.float('alpha', 1);
    return (x) => (x < 0 ? alpha * (Math.exp(x) - 1) : x);
  }),
  gradient(g) {
    // dX = dY where X > 0, dY (Y + alpha) elsewhere
    const alpha = scalar(g, 'alpha', g.attrs.float('alpha', 1));
    const positive = g.emit('Greater', [g.input(0), scalar(g, 'zero', 0)], 'positive');
    const neg = times(g, g.emit('Add', [g.output(0), alpha], 'y_plus_alpha'), 'dy_neg');
    g.setInputGrad(0, g.emit('Where', [positive, g.outGrad(0), neg], 'dx'));
  },
};
