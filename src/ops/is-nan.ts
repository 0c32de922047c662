import type { TensorInfo } from '../graph/tensor-meta.js';
import { unaryOp } from './shared/elementwise.js';
import { required } from './shared/tensor-info.js';

/** IsNaN (opset 9+): bool mask of NaN elements. */
export const isNan = unaryOp('IsNaN', 1, (x) => (Number.isNaN(x) ? 1 : 0), {
  sinceVersion: 9,
  differentiable: [false],
  inferShape: (ctx, inputs): TensorInfo[] => [{ dtype: 'bool', shape: [...required(ctx, inputs, 0).shape] }],
});
