import { numelOf } from '../onnx/tensor.js';
import type { Inputs, OpContext, OpDef, TensorInfo } from './op.js';
import { canFold } from './shared/index-map.js';
import { byteSize, fail, normAxis, required } from './shared/tensor-info.js';

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
    const dim = data.shape[axis]!;
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
        for (let k = 0; k < inner; k++) out.push(src[base + k] as number);
      }
    }
    return [{ dtype: data.dtype, dims: shape, data: out }];
  },
};
