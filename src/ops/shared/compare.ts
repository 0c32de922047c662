import type { TensorInfo } from '../../graph/tensor-meta.js';
import type { OpDef } from '../op.js';
import { broadcastShapes } from './broadcast.js';
import { broadcastOp } from './elementwise.js';
import { required } from './tensor-info.js';

/** A broadcasting comparison (Equal, Less, Greater): bool output, one FLOP per output element. */
export function compareOp(opType: string, f: (a: number, b: number) => boolean): OpDef {
  // comparisons have two inputs: each pair has both
  return broadcastOp(opType, 2, 1, ([a, b]) => (f(a!, b!) ? 1 : 0), {
    differentiable: [false, false],
    inferShape(ctx, inputs): TensorInfo[] {
      const a = required(ctx, inputs, 0);
      const b = required(ctx, inputs, 1);
      return [{ dtype: 'bool', shape: broadcastShapes(ctx, [a.shape, b.shape]) }];
    },
  });
}
