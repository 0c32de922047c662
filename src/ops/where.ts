import { sumToInputShape } from './grad-context.js';
import type { TensorInfo } from '../graph/tensor-meta.js';
import { broadcastShapes } from './shared/broadcast.js';
import { broadcastOp } from './shared/elementwise.js';
import { required } from './shared/tensor-info.js';

/** Where (opset 9+): condition ? x : y with three-way broadcasting; output has x's type. */
export const where = broadcastOp('Where', 3, 1, ([c, x, y]) => (c ? x! : y!), {
  sinceVersion: 9,
  differentiable: [false, true, true],
  // dX = dY where the condition holds, dY2 = dY where it does not (each summed to its shape).
  gradient(g) {
    const zero = g.constant('zero', g.outputInfo(0).dtype, [], [0]);
    if (g.needs(1)) g.setInputGrad(1, sumToInputShape(g, g.emit('Where', [g.input(0), g.outGrad(0), zero], 'dx_full'), 1));
    if (g.needs(2)) g.setInputGrad(2, sumToInputShape(g, g.emit('Where', [g.input(0), zero, g.outGrad(0)], 'dy_full'), 2));
  },
  inferShape(ctx, inputs): TensorInfo[] {
    const shapes = [0, 1, 2].map((i) => required(ctx, inputs, i).shape);
    return [{ dtype: required(ctx, inputs, 1).dtype, shape: broadcastShapes(ctx, shapes) }];
  },
});
