import type { OpDef } from './op.js';
import { scalar, times } from './grad-context.js';
import { activationOp } from './shared/activation.js';

/** HardSwish (opset 14+): x * max(0, min(1, x / 6 + 0.5)). 5 FLOPs per element: HardSigmoid's 4, then a multiply. */
export const hardSwish: OpDef = {
  ...activationOp('HardSwish', 14, 5, () => (x) => x * Math.max(0, Math.min(1, x / 6 + 0.5))),
  gradient(g) {
    // Y = X hardsigmoid(X) (alpha 1/6, beta 1/2): dY/dX = X/3 + 1/2 on (-3, 3), 1 above, 0 below
    const x = g.input(0);
    const inside = g.emit('And', [g.emit('Greater', [x, scalar(g, 'lo', -3)], 'above'), g.emit('Less', [x, scalar(g, 'hi', 3)], 'below')], 'inside');
    const ramp = g.emit('Add', [g.emit('Mul', [x, scalar(g, 'third', 1 / 3)], 'x_third'), scalar(g, 'half', 0.5)], 'ramp');
    const high = g.emit('Cast', [g.emit('Greater', [x, scalar(g, 'three', 3)], 'is_high')], 'high', { to: 1 });
    g.setInputGrad(0, times(g, g.emit('Where', [inside, ramp, high], 'slope')));
  },
};
