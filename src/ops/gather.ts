import { UnsupportedOpError } from '../errors.js';
import { type GradContext, ints, unsqueeze } from './grad-context.js';
import { numelOf } from '../onnx/tensor.js';
import { type TensorInfo, byteSize } from '../graph/tensor-meta.js';
import type { Inputs, OpContext, OpDef } from './op.js';
import { canFold } from './shared/index-map.js';
import { fail, normAxis, required } from './shared/tensor-info.js';

function plan(ctx: OpContext, inputs: Inputs): { data: TensorInfo; indices: TensorInfo; axis: number; shape: number[] } {
  const data = required(ctx, inputs, 0);
  const indices = required(ctx, inputs, 1);
  const axis = normAxis(ctx, ctx.attrs.int('axis', 0), data.shape.length);
  // data[:axis] ++ indices.shape ++ data[axis+1:]: a scalar index removes the axis.
  const shape = [...data.shape.slice(0, axis), ...indices.shape, ...data.shape.slice(axis + 1)];
  return { data, indices, axis, shape };
}

/** Gather (opset 1+): picks slices along `axis` by index; negative indices count from the end. */
export const gather: OpDef = {
  opType: 'Gather',
  sinceVersion: 1,
  differentiable: [true, false],
  inferShape(ctx, inputs) {
    const { data, shape } = plan(ctx, inputs);
    return [{ dtype: data.dtype, shape }];
  },
  // Reads the indices and only the gathered elements (an embedding lookup does not read the table).
  cost: (_ctx, inputs, outputs) => ({
    flops: 0,
    bytesRead: byteSize(inputs[1]) + byteSize(outputs[0]),
    bytesWritten: byteSize(outputs[0]),
  }),
  evaluate(ctx, inputs) {
    const { data, indices, axis, shape } = plan(ctx, inputs);
    if (!data.value || !indices.value || !canFold(shape)) return undefined;
    const dim = data.shape[axis]!; // normAxis: axis < rank
    const outer = numelOf(data.shape.slice(0, axis));
    const inner = numelOf(data.shape.slice(axis + 1));
    const idx = Array.from(indices.value.data, (k) => {
      const j = k < 0 ? k + dim : k;
      if (j < 0 || j >= dim) fail(ctx, `index ${k} is out of range for axis ${axis} of size ${dim}`);
      return j;
    });
    const src = data.value.data;
    const out: number[] = [];
    for (let o = 0; o < outer; o++) {
      for (const j of idx) {
        const base = (o * dim + j) * inner;
        for (let k = 0; k < inner; k++) out.push(src[base + k]!); // base + k is an element of the selected slice, inside src
      }
    }
    return [{ dtype: data.dtype, dims: shape, data: out }];
  },
  gradient: gatherGradient,
};

/**
 * dData = dY scatter-added at the gathered positions: with the gathered axis moved first,
 * ScatterND(zeros, indices[..., None], dY) with reduction 'add' (opset 16+; repeated indices
 * sum), then the axis moved back. Negative indices are wrapped first.
 */
function gatherGradient(g: GradContext): void {
  const data = g.inputInfo(0);
  const indices = g.inputInfo(1);
  const rank = data.shape.length;
  const axis = normAxis(g.ctx, g.attrs.int('axis', 0), rank);
  if (g.opset < 16) throw new UnsupportedOpError('Gather', g.ctx.name, g.opset, 'gradient rule before opset 16 (ScatterND reduction)');
  const q = indices.shape.length;
  const dim = data.shape[axis]!; // axis < rank (normAxis)
  // Y axes: data[:axis] ++ indices ++ data[axis+1:]; move the index axes first.
  const yPerm = [...Array.from({ length: q }, (_, i) => axis + i), ...Array.from({ length: axis }, (_, i) => i), ...Array.from({ length: rank - axis - 1 }, (_, i) => axis + q + i)];
  const updates = yPerm.every((p, i) => p === i) ? g.outGrad(0) : g.emit('Transpose', [g.outGrad(0)], 'dy_index_first', { perm: yPerm });
  const movedShape = [dim, ...data.shape.slice(0, axis), ...data.shape.slice(axis + 1)];
  const zeros = g.emit('Expand', [g.constant('zero', data.dtype, [], [0]), ints(g, 'moved_shape', movedShape)], 'zeros');
  const idx = g.emit('Cast', [g.input(1)], 'idx64', { to: 7 });
  const wrapped = g.emit('Where', [g.emit('Less', [idx, g.constant('zero_i', 'int64', [], [0])], 'negative'), g.emit('Add', [idx, g.constant('dim', 'int64', [], [dim])], 'idx_plus_dim'), idx], 'idx_wrapped');
  const nd = unsqueeze(g, wrapped, [q], 'idx_nd');
  const scattered = g.emit('ScatterND', [zeros, nd, updates], 'scatter', { reduction: 'add' });
  // movedShape puts the gathered axis first; put it back at `axis`.
  const back = [...Array.from({ length: axis }, (_, i) => i + 1), 0, ...Array.from({ length: rank - axis - 1 }, (_, i) => axis + 1 + i)];
  g.setInputGrad(0, axis === 0 ? scattered : g.emit('Transpose', [scattered], 'dx', { perm: back }));
}
