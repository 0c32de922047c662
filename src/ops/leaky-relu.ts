import type { OpDef } from './op.js';
import { scalar, times } from './grad-context.js';
import { activationOp } from './shared/activation.js';

/** LeakyRelu (opset 6+): x < 0 ? alpha * x : x, alpha default 0.01. 2 FLOPs per element: compare, multiply. */
export const leakyRelu: OpDef = {
  ...activationOp('LeakyRelu', 6, 2, (ctx) => {
    const alpha = ctx.attrs.float('alpha', 0.01);
    return (x) => (x < 0 ? alpha * x : x);
  }),
  gradient(g) {
    // dX = dY where X > 0, alpha dY elsewhere
    const alpha = scalar(g, 'alpha', g.attrs.float('alpha', 0.01));
    const positive = g.emit('Greater', [g.input(0), scalar(g, 'zero', 0)], 'positive');
    g.setInputGrad(0, g.emit('Where', [positive, g.outGrad(0), times(g, alpha, 'dy_alpha')], 'dx'));
  },
};
