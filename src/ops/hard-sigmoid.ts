import type { OpDef } from './op.js';
import { scalar, times } from './grad-context.js';
import { activationOp } from './shared/activation.js';

/** HardSigmoid (opset 6+): max(0, min(1, alpha * x + beta)). 4 FLOPs per element: multiply, add, min, max. */
export const hardSigmoid: OpDef = {
  ...activationOp('HardSigmoid', 6, 4, (ctx) => {
    const alpha = ctx.attrs.float('alpha', 0.2);
    const beta = ctx.attrs.float('beta', 0.5);
    return (x) => Math.max(0, Math.min(1, alpha * x + beta));
  }),
  gradient(g) {
    // dX = alpha dY where 0 < alpha X + beta < 1 (0 < Y < 1), else 0
    const inside = g.emit('And', [g.emit('Greater', [g.output(0), scalar(g, 'zero', 0)], 'above'), g.emit('Less', [g.output(0), scalar(g, 'one', 1)], 'below')], 'inside');
    g.setInputGrad(0, g.emit('Where', [inside, times(g, scalar(g, 'alpha', g.attrs.float('alpha', 0.2)), 'dy_alpha'), scalar(g, 'zero_out', 0)], 'dx'));
  },
};
