import { UnsupportedOpError } from '../errors.js';
import { dtypeCode } from '../onnx/dtype.js';
import { type GradContext, reshape, unsqueeze, windowAdjoint } from './grad-context.js';
import { type TensorInfo, numel, totalBytes } from '../graph/tensor-meta.js';
import type { OpDef } from './op.js';
import { type ConvParams, convParams, resolvedPads } from './shared/conv-geometry.js';
import { poolShape, windowSize } from './shared/pool.js';
import { required } from './shared/tensor-info.js';

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
    return { flops: (windowSize(p) - 1) * numel(outputs[0]!), bytesRead: totalBytes(inputs), bytesWritten: totalBytes(outputs) }; // cost runs once Y is inferred
  },
  gradient: maxPoolGradient,
};

/** The pool's attributes with pads resolved, for the MaxPool that recomputes the arg-max. */
function argmaxAttrs(g: GradContext, p: ConvParams, pads: readonly number[]) {
  return {
    kernel_shape: p.kernel, strides: p.strides, pads,
    ...(g.opset >= 10 ? { dilations: p.dilations, ceil_mode: p.ceilMode ? 1 : 0 } : {}),
  };
}

/**
 * The arg-max of each window as a row-major flat index into X: the node's own Indices output
 * when it has one in that order (storage_order 0), else a MaxPool recomputed with two outputs.
 */
function argmaxIndices(g: GradContext, p: ConvParams, pads: readonly number[]): string {
  const own = g.output(1);
  if (own && g.attrs.int('storage_order', 0) === 0) return own;
  return g.emitN('MaxPool', [g.input(0)], 2, 'argmax', argmaxAttrs(g, p, pads))[1]!; // emitN returns the 2 outputs asked for
}

/**
 * dX = dY added at each window's arg-max. Opset 16+: the flat arg-max indices drive a
 * ScatterElements with reduction 'add', so overlapping windows that pick the same element sum.
 * Opsets 11 to 15 without overlap: no element is picked twice, so a plain ScatterElements
 * does. Otherwise (overlap before 16, or any window before ScatterElements existed in 11), see
 * offsetGradient.
 */
function maxPoolGradient(g: GradContext): void {
  // Bounds: i < rank, the length of the geometry's kernel, strides and dilations.
  const x = g.inputInfo(0);
  const y = g.outputInfo(0);
  const p = convParams(g.ctx, x.shape);
  const pads = resolvedPads(x.shape.slice(2), y.shape.slice(2), p);
  const overlapping = p.kernel.some((k, i) => p.dilations[i]! * (k - 1) + 1 > p.strides[i]!);
  if (g.opset < 8) throw new UnsupportedOpError('MaxPool', g.ctx.name, g.opset, 'gradient rule before opset 8 (no Indices output)');
  const indices = argmaxIndices(g, p, pads);
  if (g.opset < 11 || (g.opset < 16 && overlapping)) {
    g.setInputGrad(0, offsetGradient(g, indices, p, pads));
    return;
  }
  const n = x.shape.reduce((a, b) => a * b, 1);
  const zeros = g.emit('Expand', [g.constant('zero', x.dtype, [], [0]), g.constant('numel', 'int64', [1], [n])], 'zeros');
  const flatIdx = reshape(g, indices, [-1], 'flat_indices');
  const flatDy = reshape(g, g.outGrad(0), [-1], 'flat_dy');
  const scattered = g.emit('ScatterElements', [zeros, flatIdx, flatDy], 'scatter', { axis: 0, ...(g.opset >= 16 ? { reduction: 'add' } : {}) });
  g.setInputGrad(0, reshape(g, scattered, x.shape, 'dx'));
}

/**
 * The arg-max gradient without a scatter: for kernel offset j (of K = prod(kernel)), the
 * windows whose maximum sits at offset j send dY to distinct input cells, out * stride +
 * j * dilation - pad, a strided placement that ConvTranspose with the one-hot kernel e_j does
 * exactly. So dY masked per offset ([N, C * K, out...]: dY where the arg-max is at offset j)
 * goes through one grouped ConvTranspose (group C, kernel [C * K, 1, kernel...] holding e_j for
 * channel c * K + j), which sums over offsets, overlaps included. The offset of an arg-max is
 * ((flat index / inner size) mod axis size - window start) / dilation per spatial axis.
 */
function offsetGradient(g: GradContext, indices: string, p: ConvParams, pads: readonly number[]): string {
  // Bounds: X and Y are [N, C, ...spatial] of one rank, and d < rank indexes the geometry's strides and dilations; pads has 2 rank entries.
  const x = g.inputInfo(0);
  const y = g.outputInfo(0);
  const [n, c] = [x.shape[0]!, x.shape[1]!];
  const spatialIn = x.shape.slice(2);
  const spatialOut = y.shape.slice(2);
  const r = spatialIn.length;
  const k = p.kernel.reduce((a, b) => a * b, 1);
  const i64 = (purpose: string, v: number) => g.constant(purpose, 'int64', [], [v]);
  let offset = '';
  spatialIn.forEach((dim, d) => {
    const inner = spatialIn.slice(d + 1).reduce((a, b) => a * b, 1);
    // coord = row mod dim, spelled with Div (Mod only exists from opset 10)
    const row = g.emit('Div', [indices, i64(`inner${d}`, inner)], `row${d}`);
    const dimC = i64(`dim${d}`, dim);
    const coord = g.emit('Sub', [row, g.emit('Mul', [g.emit('Div', [row, dimC], `wraps${d}`), dimC], `wrapped${d}`)], `coord${d}`);
    // window starts out * stride - pad_begin along axis d, broadcast over the other axes
    const outDim = spatialOut[d]!;
    const starts = Array.from({ length: outDim }, (_, o) => o * p.strides[d]! - pads[d]!);
    const placed = g.constant(`starts${d}`, 'int64', [1, 1, ...spatialOut.map((od, e) => (e === d ? od : 1))], starts);
    const along = g.emit('Div', [g.emit('Sub', [coord, placed], `from_start${d}`), i64(`dilation${d}`, p.dilations[d]!)], `offset${d}`);
    const kernelInner = p.kernel.slice(d + 1).reduce((a, b) => a * b, 1);
    const weighted = kernelInner === 1 ? along : g.emit('Mul', [along, i64(`kernel_inner${d}`, kernelInner)], `offset${d}_flat`);
    offset = offset ? g.emit('Add', [offset, weighted], `offset_to${d}`) : weighted;
  });
  const ks = g.constant('kernel_offsets', 'int64', [1, 1, k, ...spatialOut.map(() => 1)], Array.from({ length: k }, (_, j) => j));
  const mask = g.emit('Equal', [unsqueeze(g, offset, [2], 'offset_k'), ks], 'at_offset');
  const dyK = unsqueeze(g, g.outGrad(0), [2], 'dy_k');
  // Mul by the cast mask rather than Where, which only exists from opset 9
  const masked = g.emit('Mul', [dyK, g.emit('Cast', [mask], 'at_offset_float', { to: dtypeCode(x.dtype) })], 'dy_at_offset');
  const z = reshape(g, masked, [n, c * k, ...spatialOut], 'dy_by_offset');
  const eye = g.constant('one_hot_kernels', x.dtype, [k, 1, ...p.kernel], Array.from({ length: k * k }, (_, i) => (i % (k + 1) === 0 ? 1 : 0)));
  const weight = c === 1 ? eye : g.emit('Tile', [eye, g.constant('per_channel', 'int64', [r + 2], [c, 1, ...p.kernel.map(() => 1)])], 'kernels');
  const geo = { kernel: p.kernel, strides: p.strides, dilations: p.dilations, pads, group: c };
  return windowAdjoint(g, z, weight, geo, spatialIn, spatialOut, 'dx');
}
