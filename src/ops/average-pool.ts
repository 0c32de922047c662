import type { OpDef, TensorInfo } from './op.js';
import { poolShape, windowSize } from './shared/pool.js';
import { numel, required, totalBytes } from './shared/tensor-info.js';

/**
 * AveragePool (opset 1+; count_include_pad since 7, ceil_mode since 10, dilations since 19;
 * count_include_pad only changes values). prod(kernel) FLOPs per output element:
 * prod(kernel) - 1 adds and a divide (border windows counted full).
 */
export const averagePool: OpDef = {
  opType: 'AveragePool',
  sinceVersion: 1,
  differentiable: [true],
  inferShape(ctx, inputs) {
    return [{ dtype: required(ctx, inputs, 0).dtype, shape: poolShape(ctx, inputs).shape }];
  },
  cost(ctx, inputs, [y]) {
    const { p } = poolShape(ctx, inputs);
    return { flops: windowSize(p) * numel(y as TensorInfo), bytesRead: totalBytes(inputs), bytesWritten: totalBytes([y]) };
  },
};
