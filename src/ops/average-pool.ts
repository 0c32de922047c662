import { type GradContext, windowAdjoint } from './grad-context.js';
import { numel, totalBytes } from '../graph/tensor-meta.js';
import type { OpDef } from './op.js';
import { convParams, resolvedPads } from './shared/conv-geometry.js';
import { poolShape, windowSize } from './shared/pool.js';
import { required } from './shared/tensor-info.js';

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
    return { flops: windowSize(p) * numel(y!), bytesRead: totalBytes(inputs), bytesWritten: totalBytes([y]) }; // cost runs once Y is inferred
  },
  gradient: averagePoolGradient,
};

/**
 * dX = ConvTranspose of dY / count with a depthwise kernel of ones: each input cell receives
 * the share of every window it lies in. count is prod(kernel), or, with count_include_pad = 0
 * and pads, the valid cells per window (an AveragePool of ones with padding counted, times K).
 */
function averagePoolGradient(g: GradContext): void {
  const x = g.inputInfo(0);
  const y = g.outputInfo(0);
  const p = convParams(g.ctx, x.shape);
  const spatialIn = x.shape.slice(2);
  const spatialOut = y.shape.slice(2);
  const pads = resolvedPads(spatialIn, spatialOut, p);
  const c = x.shape[1]!; // convParams checked X is [N, C, ...spatial]
  const k = p.kernel.reduce((a, b) => a * b, 1);
  const exact = g.attrs.int('count_include_pad', 0) === 1 || pads.every((v) => v === 0);
  const ones = new Float32Array(c * k).fill(exact ? 1 / k : 1);
  const kernel = g.constant('kernel', x.dtype, [c, 1, ...p.kernel], ones);
  let dy = g.outGrad(0);
  if (!exact) {
    const onesIn = g.emit('Expand', [g.constant('one', x.dtype, [], [1]), g.constant('in_shape', 'int64', [x.shape.length], [1, 1, ...spatialIn])], 'ones');
    const frac = g.emit('AveragePool', [onesIn], 'valid_fraction', { kernel_shape: p.kernel, strides: p.strides, pads, count_include_pad: 1, ...(p.ceilMode ? { ceil_mode: 1 } : {}) });
    const counts = g.emit('Mul', [frac, g.constant('k', x.dtype, [], [k])], 'counts');
    dy = g.emit('Div', [dy, counts], 'dy_per_cell');
  }
  g.setInputGrad(0, windowAdjoint(g, dy, kernel, { kernel: p.kernel, strides: p.strides, dilations: p.kernel.map(() => 1), pads, group: c }, spatialIn, spatialOut, 'dx'));
}
