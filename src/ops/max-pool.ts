import type { OpDef, TensorInfo } from './op.js';
import { poolShape, windowSize } from './shared/pool.js';
import { numel, required, totalBytes } from './shared/tensor-info.js';

/**
 * MaxPool (opset 1+; Indices output since 8, ceil_mode and dilations since 10, storage_order
 * only changes the Indices' values). The optional second output Indices (int64) has the
 * output's shape. prod(kernel) - 1 compares per output element (border windows counted full).
 */
export const maxPool: OpDef = {
  opType: 'MaxPool',
  sinceVersion: 1,
  differentiable: [true],
  inferShape(ctx, inputs) {
    const x = required(ctx, inputs, 0);
    const { shape } = poolShape(ctx, inputs);
    const outs: TensorInfo[] = [{ dtype: x.dtype, shape }];
    if (ctx.node.output.length > 1) outs.push({ dtype: 'int64', shape });
    return outs;
  },
  cost(ctx, inputs, outputs) {
    const { p } = poolShape(ctx, inputs);
    return { flops: (windowSize(p) - 1) * numel(outputs[0] as TensorInfo), bytesRead: totalBytes(inputs), bytesWritten: totalBytes(outputs) };
  },
};
