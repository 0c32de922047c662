import type { OpDef } from './op.js';
import { numel } from '../graph/tensor-meta.js';
import { required } from './shared/tensor-info.js';

/** Size (opset 1+): the input's element count as an int64 scalar. Known statically, so always folded. */
export const size: OpDef = {
  opType: 'Size',
  sinceVersion: 1,
  differentiable: [false],
  inferShape: () => [{ dtype: 'int64', shape: [] }],
  // Reads only metadata.
  cost: () => ({ flops: 0, bytesRead: 0, bytesWritten: 8 }),
  evaluate(ctx, inputs) {
    return [{ dtype: 'int64', dims: [], data: [numel(required(ctx, inputs, 0))] }];
  },
};
