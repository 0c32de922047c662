import { dtypeFromCode } from '../onnx/dtype.js';
import { isExternal, numelOf, tensorValue } from '../onnx/tensor.js';
import { type TensorInfo, byteSize } from '../graph/tensor-meta.js';
import type { OpContext, OpDef } from './op.js';
import type { TensorValue } from '../onnx/tensor.js';
import { canFold } from './shared/index-map.js';
import { fail } from './shared/tensor-info.js';

/**
 * The output from whichever value attribute the node carries (exactly one of them); its
 * values only when `withValue` (shape inference alone need not copy a tensor's data).
 */
function constantOf(ctx: OpContext, withValue: boolean): { info: TensorInfo; value?: TensorValue } {
  const a = ctx.attrs;
  const t = a.tensor('value');
  if (t) {
    const dtype = dtypeFromCode(t.dataType, `Constant node "${ctx.name}"`);
    const shape = t.dims.map(Number);
    const small = dtype !== 'string' && !isExternal(t) && canFold(shape);
    return { info: { dtype, shape }, value: small && withValue ? tensorValue(t) : undefined };
  }
  const f = a.float('value_float');
  if (f !== undefined) return scalarOrList('float32', [Math.fround(f)], true);
  const fs = a.floats('value_floats');
  if (fs) return scalarOrList('float32', fs.map(Math.fround), false);
  const i = a.int('value_int');
  if (i !== undefined) return scalarOrList('int64', [i], true);
  const is = a.ints('value_ints');
  if (is) return scalarOrList('int64', is, false);
  const strings = ctx.node.attribute.find((x) => x.name === 'value_string' || x.name === 'value_strings');
  if (strings) {
    // Strings carry no numeric value; the shape is still known.
    const shape = strings.name === 'value_string' ? [] : [strings.strings?.length ?? 0];
    return { info: { dtype: 'string', shape } };
  }
  if (a.has('sparse_value')) fail(ctx, 'sparse_value is not supported');
  return fail(ctx, 'has no value attribute');
}

function scalarOrList(dtype: 'float32' | 'int64', data: number[], scalar: boolean): { info: TensorInfo; value: TensorValue } {
  const shape = scalar ? [] : [data.length];
  return { info: { dtype, shape }, value: { dtype, dims: shape, data } };
}

/** Constant (opset 1+; value_float(s)/int(s)/string(s) since 12): a tensor from an attribute. Always folded. */
export const constant: OpDef = {
  opType: 'Constant',
  sinceVersion: 1,
  differentiable: [],
  inferShape: (ctx) => [constantOf(ctx, false).info],
  // Materialises its attribute: nothing is read from other tensors.
  cost: (_ctx, _inputs, outputs) => ({ flops: 0, bytesRead: 0, bytesWritten: byteSize(outputs[0]) }),
  evaluate(ctx) {
    const { value } = constantOf(ctx, true);
    return value && numelOf(value.dims) === value.data.length ? [value] : undefined;
  },
};
