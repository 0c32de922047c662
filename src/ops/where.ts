import type { TensorInfo } from './op.js';
import { broadcastShapes } from './shared/broadcast.js';
import { broadcastOp } from './shared/elementwise.js';
import { required } from './shared/tensor-info.js';

/** Where (opset 9+): condition ? x : y with three-way broadcasting; output has x's type. */
export const where = broadcastOp('Where', 3, 1, ([c, x, y]) => (c ? (x as number) : (y as number)), {
  sinceVersion: 9,
  differentiable: [false, true, true],
  inferShape(ctx, inputs): TensorInfo[] {
    const shapes = [0, 1, 2].map((i) => required(ctx, inputs, i).shape);
    return [{ dtype: required(ctx, inputs, 1).dtype, shape: broadcastShapes(ctx, shapes) }];
  },
});
