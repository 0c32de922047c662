import { times } from './grad-context.js';
import { numel, totalBytes } from '../graph/tensor-meta.js';
import type { OpDef } from './op.js';
import { globalPoolShape } from './shared/pool.js';

/**
 * GlobalAveragePool (opset 1+): mean over all spatial dims, output (N, C, 1, ...). One FLOP per
 * input element: S - 1 adds and one divide for each of the N * C windows of S elements.
 */
export const globalAveragePool: OpDef = {
  opType: 'GlobalAveragePool',
  sinceVersion: 1,
  differentiable: [true],
  inferShape: globalPoolShape,
  cost: (_ctx, inputs, [y]) => ({ flops: numel(inputs[0]!), bytesRead: totalBytes(inputs), bytesWritten: totalBytes([y]) }),
  // dX = dY / (H W), broadcast over the spatial dims.
  gradient(g) {
    const x = g.inputInfo(0);
    const cells = x.shape.slice(2).reduce((a, b) => a * b, 1);
    const scaled = times(g, g.constant('inv_cells', x.dtype, [], [1 / cells]), 'dy_scaled');
    g.setInputGrad(0, g.emit('Expand', [scaled, g.constant('shape', 'int64', [x.shape.length], x.shape)], 'dx'));
  },
};
