import { sumToInputShape } from './grad-context.js';
import type { OpDef } from './op.js';
import { variadicOp } from './shared/variadic.js';

/** Min (opset 6+, broadcasting since 8): elementwise minimum of n inputs. n - 1 compares per output element. */
export const min: OpDef = {
  ...variadicOp('Min', (n) => n - 1, (xs) => Math.min(...xs)),
  gradient(g) {
    // each input: dY where it equals the result (every tied input receives it), summed to its shape
    const zero = g.constant('zero', g.outputInfo(0).dtype, [], [0]);
    for (let i = 0; i < g.ctx.node.input.length; i++) {
      if (!g.needs(i)) continue;
      const hit = g.emit('Equal', [g.input(i), g.output(0)], `is_min${i}`);
      g.setInputGrad(i, sumToInputShape(g, g.emit('Where', [hit, g.outGrad(0), zero], `d${i}_full`), i));
    }
  },
};
