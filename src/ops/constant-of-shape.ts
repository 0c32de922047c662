import { dtypeFromCode } from '../onnx/dtype.js';
import { numelOf, tensorValue } from '../onnx/tensor.js';
import { type TensorInfo, byteSize, totalBytes } from '../graph/tensor-meta.js';
import type { Inputs, OpContext, OpDef } from './op.js';
import { constInts } from './shared/const-input.js';
import { canFold } from './shared/index-map.js';
import { fail } from './shared/tensor-info.js';

/** Output shape (the input's values) and fill value (the `value` attribute, default float32 0). */
function plan(ctx: OpContext, inputs: Inputs): [TensorInfo, number] {
  const shape = constInts(ctx, inputs, 0, 'shape');
  if (shape.some((d) => d < 0)) fail(ctx, `shape [${shape.join(', ')}] has a negative dimension`);
  const t = ctx.attrs.tensor('value');
  if (!t) return [{ dtype: 'float32', shape }, 0];
  const v = tensorValue(t);
  if (v.data.length !== 1) fail(ctx, `attribute value must hold one element, it holds ${v.data.length}`);
  return [{ dtype: dtypeFromCode(t.dataType, `ConstantOfShape node "${ctx.name}"`), shape }, Number(v.data[0])];
}

/** ConstantOfShape (opset 9+): a tensor of the given shape filled with one value. */
export const constantOfShape: OpDef = {
  opType: 'ConstantOfShape',
  sinceVersion: 9,
  differentiable: [false],
  inferShape: (ctx, inputs) => [plan(ctx, inputs)[0]],
  cost: (_ctx, inputs, outputs) => ({ flops: 0, bytesRead: totalBytes(inputs), bytesWritten: byteSize(outputs[0]) }),
  evaluate(ctx, inputs) {
    const [info, fill] = plan(ctx, inputs);
    if (!canFold(info.shape)) return undefined;
    return [{ dtype: info.dtype, dims: info.shape, data: new Array<number>(numelOf(info.shape)).fill(fill) }];
  },
};
