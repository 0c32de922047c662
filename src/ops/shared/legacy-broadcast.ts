import type { TensorInfo } from '../../graph/tensor-meta.js';
import type { Inputs, OpContext, OpDef } from '../op.js';
import { fail } from './tensor-info.js';

/**
 * Before opset 7, binary elementwise ops broadcast only B onto A, and only when the
 * `broadcast` attribute is 1; `axis` says where B's dims start inside A's (default: B matches
 * A's trailing dims). Old Caffe2 and early PyTorch exports use this for bias adds
 * (A [N, C, H, W], B [C], axis 1). Aligning B by appending trailing 1s turns it into NumPy
 * broadcasting, so the modern rule does the rest.
 */
function aligned(ctx: OpContext, inputs: Inputs): Inputs {
  const a = inputs[0];
  const b = inputs[1];
  if (!a || !b) return inputs;
  if (ctx.attrs.int('broadcast', 0) !== 1) {
    if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
      fail(ctx, `shapes [${a.shape.join(', ')}] and [${b.shape.join(', ')}] differ and broadcast is not set (opset ${ctx.opset})`);
    }
    return inputs;
  }
  const rankA = a.shape.length;
  const axis = ctx.attrs.int('axis') ?? rankA - b.shape.length;
  const start = axis < 0 ? axis + rankA : axis;
  if (start < 0 || start + b.shape.length > rankA) fail(ctx, `B of shape [${b.shape.join(', ')}] does not fit A of rank ${rankA} at axis ${axis}`);
  const shape = [...b.shape, ...new Array<number>(rankA - start - b.shape.length).fill(1)];
  const bAligned: TensorInfo = { dtype: b.dtype, shape, value: b.value && { ...b.value, dims: shape } };
  return [a, bAligned, ...inputs.slice(2)];
}

/**
 * The opset 1-6 form of a binary elementwise op, delegating to its modern (opset 7+) rule. No
 * gradient: ONNX Runtime has no kernels before opset 7, so a gradient graph of such a model
 * could not run.
 */
export function legacyBroadcast(modern: OpDef): OpDef {
  return {
    opType: modern.opType,
    sinceVersion: 1,
    differentiable: [false],
    inferShape: (ctx, inputs) => modern.inferShape(ctx, aligned(ctx, inputs)),
    cost: (ctx, inputs, outputs) => modern.cost(ctx, inputs, outputs),
    evaluate: (ctx, inputs) => modern.evaluate?.(ctx, aligned(ctx, inputs)),
  };
}
