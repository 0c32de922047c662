import { numel, totalBytes } from '../graph/tensor-meta.js';
import type { OpDef } from './op.js';
import { globalPoolShape } from './shared/pool.js';

/** GlobalMaxPool (opset 1+): max over all spatial dims, output (N, C, 1, ...). S - 1 compares per window of S elements. */
export const globalMaxPool: OpDef = {
  opType: 'GlobalMaxPool',
  sinceVersion: 1,
  differentiable: [true],
  inferShape: globalPoolShape,
  cost: (_ctx, inputs, [y]) => ({
    flops: numel(inputs[0]!) - numel(y!),
    bytesRead: totalBytes(inputs),
    bytesWritten: totalBytes([y]),
  }),
  // dX = dY where X equals its channel's maximum (every tied maximum receives it), else 0.
  gradient(g) {
    const x = g.inputInfo(0);
    const isMax = g.emit('Equal', [g.input(0), g.output(0)], 'is_max');
    g.setInputGrad(0, g.emit('Where', [isMax, g.outGrad(0), g.constant('zero', x.dtype, [], [0])], 'dx'));
  },
};
