import { sumToShape } from './grad-context.js';
import { type TensorInfo, numel } from '../graph/tensor-meta.js';
import type { OpDef } from './op.js';
import { broadcastShapes } from './shared/broadcast.js';
import { broadcastEvaluate, MAX_FOLD_ELEMENTS } from './shared/elementwise.js';
import { elementwiseCost, fail, required } from './shared/tensor-info.js';

/**
 * PRelu (opset 7+: slope broadcasts unidirectionally to X): x < 0 ? slope * x : x. The output
 * has X's shape. 2 FLOPs per element: compare, multiply.
 */
export const prelu: OpDef = {
  opType: 'PRelu',
  sinceVersion: 7,
  differentiable: [true, true],
  inferShape(ctx, inputs) {
    const x = required(ctx, inputs, 0);
    const slope = required(ctx, inputs, 1);
    const b = broadcastShapes(ctx, [x.shape, slope.shape]);
    if (b.length !== x.shape.length || b.some((d, i) => d !== x.shape[i])) {
      fail(ctx, `slope of shape [${slope.shape.join(', ')}] does not broadcast to X's shape [${x.shape.join(', ')}]`);
    }
    return [{ dtype: x.dtype, shape: x.shape }];
  },
  cost: elementwiseCost(2),
  evaluate(ctx, inputs) {
    // Bounds: PRelu has two inputs, so each element pair [v, s] has both.
    const [x, slope] = [inputs[0]?.value, inputs[1]?.value];
    const [y] = this.inferShape(ctx, inputs) as [TensorInfo];
    if (!x || !slope || numel(y) > MAX_FOLD_ELEMENTS) return undefined;
    return [broadcastEvaluate([x, slope], y.shape, y.dtype, ([v, s]) => (v! < 0 ? s! * v! : v!))];
  },
  // dX = dY where X >= 0, slope dY elsewhere; dSlope = sum over broadcast axes of dY X where X < 0.
  gradient(g) {
    const x = g.inputInfo(0);
    const zero = g.constant('zero', x.dtype, [], [0]);
    const negative = g.emit('Less', [g.input(0), zero], 'negative');
    if (g.needs(0)) g.setInputGrad(0, g.emit('Where', [negative, g.emit('Mul', [g.outGrad(0), g.input(1)], 'dy_slope'), g.outGrad(0)], 'dx'));
    if (g.needs(1)) {
      const contrib = g.emit('Where', [negative, g.emit('Mul', [g.outGrad(0), g.input(0)], 'dy_x'), zero], 'dslope_full');
      g.setInputGrad(1, sumToShape(g, contrib, x.shape, g.inputInfo(1).shape, 'dslope'));
    }
  },
};
