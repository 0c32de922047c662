import { reshape as reshapeTo } from './grad-context.js';
import { numelOf } from '../onnx/tensor.js';
import type { Inputs, OpContext, OpDef } from './op.js';
import { constInts } from './shared/const-input.js';
import { numel } from '../graph/tensor-meta.js';
import { dataMovementCost, fail, required } from './shared/tensor-info.js';

/**
 * The output shape: 0 copies the input's dim at that position (unless allowzero=1, opset 14+),
 * one -1 is inferred from the element count. Before opset 5 the shape was an attribute.
 */
export function reshapeTarget(ctx: OpContext, inputs: Inputs): number[] {
  const x = required(ctx, inputs, 0);
  let spec: number[];
  if (ctx.opset < 5) {
    const attr = ctx.attrs.ints('shape');
    if (!attr) fail(ctx, 'attribute shape is required before opset 5');
    spec = attr;
  } else {
    spec = constInts(ctx, inputs, 1, 'shape');
  }
  const allowzero = ctx.opset >= 14 && ctx.attrs.int('allowzero', 0) === 1;
  const out = spec.map((d, i) => {
    if (d !== 0 || allowzero) return d;
    if (i >= x.shape.length) fail(ctx, `shape [${spec.join(', ')}] copies dim ${i} (a 0) but the input has rank ${x.shape.length}`);
    return x.shape[i]!; // i < rank, checked on the line above
  });
  const unknown = out.flatMap((d, i) => (d === -1 ? [i] : []));
  if (unknown.length > 1) fail(ctx, `shape [${spec.join(', ')}] has more than one -1`);
  if (out.some((d) => d < -1)) fail(ctx, `shape [${spec.join(', ')}] has a negative dimension`);
  const total = numel(x);
  const known = numelOf(out.filter((d) => d !== -1));
  if (unknown.length === 1) {
    if (known === 0 || total % known !== 0) fail(ctx, `cannot reshape [${x.shape.join(', ')}] (${total} elements) to [${spec.join(', ')}]`);
    out[unknown[0]!] = total / known; // exactly one -1 in this branch
  } else if (known !== total) {
    fail(ctx, `cannot reshape [${x.shape.join(', ')}] (${total} elements) to [${spec.join(', ')}] (${known} elements)`);
  }
  return out;
}

/** Reshape (opset 1+; shape as input since 5): same data, new dims. */
export const reshape: OpDef = {
  opType: 'Reshape',
  sinceVersion: 1,
  differentiable: [true, false],
  inferShape(ctx, inputs) {
    return [{ dtype: required(ctx, inputs, 0).dtype, shape: reshapeTarget(ctx, inputs) }];
  },
  cost: dataMovementCost,
  evaluate(ctx, inputs) {
    const x = required(ctx, inputs, 0);
    return x.value ? [{ dtype: x.dtype, dims: reshapeTarget(ctx, inputs), data: x.value.data }] : undefined;
  },
  // A view: dX = dY reshaped to X's shape.
  gradient(g) {
    g.setInputGrad(0, reshapeTo(g, g.outGrad(0), g.inputInfo(0).shape, 'dx'));
  },
};
