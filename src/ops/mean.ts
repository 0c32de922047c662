import { sumToInputShape } from './grad-context.js';
import type { OpDef } from './op.js';
import { variadicOp } from './shared/variadic.js';

/** Mean (opset 6+, broadcasting since 8): elementwise mean of n inputs. n - 1 adds and 1 divide per output element. */
export const mean: OpDef = {
  ...variadicOp('Mean', (n) => n, (xs) => xs.reduce((a, b) => a + b, 0) / xs.length),
  gradient(g) {
    // each input: dY / n summed to its shape
    const n = g.ctx.node.input.filter((t) => t).length;
    const scaled = g.emit('Mul', [g.outGrad(0), g.constant('inv_n', g.outputInfo(0).dtype, [], [1 / n])], 'dy_n');
    for (let i = 0; i < g.ctx.node.input.length; i++) if (g.needs(i)) g.setInputGrad(i, sumToInputShape(g, scaled, i));
  },
};
