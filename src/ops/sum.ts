import { sumToInputShape } from './grad-context.js';
import type { OpDef } from './op.js';
import { variadicOp } from './shared/variadic.js';

/** Sum (opset 6+, broadcasting since 8): elementwise sum of n inputs. n - 1 adds per output element. */
export const sum: OpDef = {
  ...variadicOp('Sum', (n) => n - 1, (xs) => xs.reduce((a, b) => a + b, 0)),
  gradient(g) {
    // each input: dY summed to its shape
    for (let i = 0; i < g.ctx.node.input.length; i++) if (g.needs(i)) g.setInputGrad(i, sumToInputShape(g, g.outGrad(0), i));
  },
};
