import { reshape as reshapeTo } from './grad-context.js';
import { numelOf } from '../onnx/tensor.js';
import type { TensorInfo } from '../graph/tensor-meta.js';
import type { Inputs, OpContext, OpDef } from './op.js';
import { dataMovementCost, fail, required } from './shared/tensor-info.js';

function flatShape(ctx: OpContext, inputs: Inputs): [TensorInfo, number[]] {
  const x = required(ctx, inputs, 0);
  const rank = x.shape.length;
  const given = ctx.attrs.int('axis', 1);
  // axis may equal rank (everything goes to the outer dim); negative axes since opset 11.
  const axis = given < 0 ? given + rank : given;
  if (axis < 0 || axis > rank) fail(ctx, `axis ${given} is out of range for rank ${rank}`);
  return [x, [numelOf(x.shape.slice(0, axis)), numelOf(x.shape.slice(axis))]];
}

/** Flatten (opset 1+): to 2-D, [prod(dims before axis), prod(dims from axis)]. A view: no arithmetic. */
export const flatten: OpDef = {
  opType: 'Flatten',
  sinceVersion: 1,
  differentiable: [true],
  inferShape(ctx, inputs) {
    const [x, shape] = flatShape(ctx, inputs);
    return [{ dtype: x.dtype, shape }];
  },
  cost: dataMovementCost,
  evaluate(ctx, inputs) {
    const [x, shape] = flatShape(ctx, inputs);
    return x.value ? [{ dtype: x.dtype, dims: shape, data: x.value.data }] : undefined;
  },
  // A view: dX = dY reshaped to X's shape.
  gradient(g) {
    g.setInputGrad(0, reshapeTo(g, g.outGrad(0), g.inputInfo(0).shape, 'dx'));
  },
};
