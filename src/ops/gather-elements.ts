import { UnsupportedOpError } from '../errors.js';
import { type TensorInfo, byteSize } from '../graph/tensor-meta.js';
import type { Inputs, OpContext, OpDef } from './op.js';
import { stridesOf } from './shared/broadcast.js';
import { canFold, gatherValues, offsetOf } from './shared/index-map.js';
import { fail, normAxis, required } from './shared/tensor-info.js';

function plan(ctx: OpContext, inputs: Inputs): { data: TensorInfo; indices: TensorInfo; axis: number } {
  const data = required(ctx, inputs, 0);
  const indices = required(ctx, inputs, 1);
  if (indices.shape.length !== data.shape.length) fail(ctx, `indices have rank ${indices.shape.length}, data rank ${data.shape.length}`);
  return { data, indices, axis: normAxis(ctx, ctx.attrs.int('axis', 0), data.shape.length) };
}

/** GatherElements (opset 11+): out[i][j] = data[index[i][j]][j] (for axis 0); output shaped like the indices. */
export const gatherElements: OpDef = {
  opType: 'GatherElements',
  sinceVersion: 11,
  differentiable: [true, false],
  inferShape(ctx, inputs) {
    const { data, indices } = plan(ctx, inputs);
    return [{ dtype: data.dtype, shape: [...indices.shape] }];
  },
  // Reads the indices and the gathered elements only.
  cost: (_ctx, inputs, outputs) => ({ flops: 0, bytesRead: byteSize(inputs[1]) + byteSize(outputs[0]), bytesWritten: byteSize(outputs[0]) }),
  evaluate(ctx, inputs) {
    const { data, indices, axis } = plan(ctx, inputs);
    if (!data.value || !indices.value || !canFold(indices.shape)) return undefined;
    const strides = stridesOf(data.shape);
    const istrides = stridesOf(indices.shape);
    const idx = indices.value.data;
    const dim = data.shape[axis]!; // normAxis: axis < rank
    return [
      gatherValues(data.value, indices.shape, (c) => {
        const k = Number(idx[offsetOf(c, istrides)]);
        const j = k < 0 ? k + dim : k;
        if (j < 0 || j >= dim) fail(ctx, `index ${k} is out of range for axis ${axis} of size ${dim}`);
        return offsetOf(c, strides) + (j - c[axis]!) * strides[axis]!; // indices have data's rank (plan), axis < rank
      }),
    ];
  },
  // dX = dY scatter-added at the gathered positions (ScatterElements reduction 'add', opset 16+).
  gradient(g) {
    if (g.opset < 16) throw new UnsupportedOpError('GatherElements', g.ctx.name, g.opset, 'gradient rule before opset 16 (ScatterElements reduction)');
    const x = g.inputInfo(0);
    const axis = normAxis(g.ctx, g.attrs.int('axis', 0), x.shape.length);
    const zeros = g.emit('Expand', [g.constant('zero', x.dtype, [], [0]), g.constant('shape', 'int64', [x.shape.length], x.shape)], 'zeros');
    g.setInputGrad(0, g.emit('ScatterElements', [zeros, g.input(1), g.outGrad(0)], 'dx', { axis, reduction: 'add' }));
  },
};
