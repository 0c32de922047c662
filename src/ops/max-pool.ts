import { UnsupportedOpError } from '../errors.js';
import { type GradContext, reshape } from './grad-context.js';
import type { OpDef, TensorInfo } from './op.js';
import { convParams, resolvedPads } from './shared/conv-geometry.js';
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
  gradient: maxPoolGradient,
};

/**
 * dX = dY added at each window's arg-max: the Indices of a MaxPool of X (flat over the whole
 * tensor, as ONNX defines them) drive a ScatterElements with reduction 'add' (opset 16+), so
 * overlapping windows that pick the same element sum their gradients.
 */
function maxPoolGradient(g: GradContext): void {
  const x = g.inputInfo(0);
  const y = g.outputInfo(0);
  const p = convParams(g.ctx, x.shape);
  const pads = resolvedPads(x.shape.slice(2), y.shape.slice(2), p);
  const overlapping = p.kernel.some((k, i) => (p.dilations[i] as number) * (k - 1) + 1 > (p.strides[i] as number));
  if (g.opset < 16 && overlapping) {
    throw new UnsupportedOpError('MaxPool', g.ctx.name, g.opset, 'gradient rule for overlapping windows before opset 16 (ScatterElements reduction)');
  }
  let indices = g.output(1);
  if (!indices) {
    const attrs = {
      kernel_shape: p.kernel, strides: p.strides, pads,
      ...(g.opset >= 10 ? { dilations: p.dilations, ceil_mode: p.ceilMode ? 1 : 0 } : {}),
    };
    indices = g.emitN('MaxPool', [g.input(0)], 2, 'argmax', attrs)[1] as string;
  }
  const n = x.shape.reduce((a, b) => a * b, 1);
  const zeros = g.emit('Expand', [g.constant('zero', x.dtype, [], [0]), g.constant('numel', 'int64', [1], [n])], 'zeros');
  const flatIdx = reshape(g, indices, [-1], 'flat_indices');
  const flatDy = reshape(g, g.outGrad(0), [-1], 'flat_dy');
  const scattered = g.emit('ScatterElements', [zeros, flatIdx, flatDy], 'scatter', { axis: 0, ...(g.opset >= 16 ? { reduction: 'add' } : {}) });
  g.setInputGrad(0, reshape(g, scattered, x.shape, 'dx'));
}
