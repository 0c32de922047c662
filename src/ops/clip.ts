import { numelOf } from '../onnx/tensor.js';
import { type TensorInfo, numel, totalBytes } from '../graph/tensor-meta.js';
import type { Inputs, OpContext, OpDef } from './op.js';
import { MAX_FOLD_ELEMENTS } from './shared/elementwise.js';
import { fail, sameAsFirst } from './shared/tensor-info.js';

interface Bounds {
  /** how many of min and max are given (each costs a compare per element) */
  readonly count: number;
  /** their values, undefined when given by a non-constant tensor */
  readonly min: number | undefined;
  readonly max: number | undefined;
}

/** A bound given as an optional scalar input (opset 11+). */
function boundInput(ctx: OpContext, t: TensorInfo | undefined, fallback: number, what: string): number | undefined {
  if (!t) return fallback;
  if (numelOf(t.shape) !== 1) fail(ctx, `${what} must be a scalar, has shape [${t.shape.join(', ')}]`);
  return t.value ? t.value.data[0]! : undefined; // a scalar (checked) has one value
}

/** Before opset 11 the bounds are the float attributes min and max; since 11, optional inputs 1 and 2. */
function bounds(ctx: OpContext, inputs: Inputs): Bounds {
  if (ctx.opset < 11) {
    return {
      count: Number(ctx.attrs.has('min')) + Number(ctx.attrs.has('max')),
      min: ctx.attrs.float('min', -Infinity),
      max: ctx.attrs.float('max', Infinity),
    };
  }
  return {
    count: Number(inputs[1] !== undefined) + Number(inputs[2] !== undefined),
    min: boundInput(ctx, inputs[1], -Infinity, 'min'),
    max: boundInput(ctx, inputs[2], Infinity, 'max'),
  };
}

/**
 * Clip (opset 6+; bounds moved from attributes to optional inputs in 11): min(max(x, lo), hi).
 * The shape is X's whatever the bounds; one compare per element per bound given.
 */
export const clip: OpDef = {
  opType: 'Clip',
  sinceVersion: 6,
  differentiable: [true, false, false],
  inferShape(ctx, inputs) {
    bounds(ctx, inputs);
    return sameAsFirst(ctx, inputs);
  },
  cost(ctx, inputs, [y]) {
    return { flops: bounds(ctx, inputs).count * numel(y!), bytesRead: totalBytes(inputs), bytesWritten: totalBytes([y]) }; // cost runs once Y is inferred
  },
  evaluate(ctx, inputs) {
    const x = inputs[0]?.value;
    const { min, max } = bounds(ctx, inputs);
    if (!x || min === undefined || max === undefined || numelOf(x.dims) > MAX_FOLD_ELEMENTS) return undefined;
    return [{ dtype: x.dtype, dims: x.dims, data: Array.from(x.data, (v) => Math.min(max, Math.max(min, v))) }];
  },
  // dX = dY where the clip left X unchanged (X == Y: inside the bounds), else 0.
  gradient(g) {
    const inside = g.emit('Equal', [g.input(0), g.output(0)], 'inside');
    g.setInputGrad(0, g.emit('Where', [inside, g.outGrad(0), g.constant('zero', g.inputInfo(0).dtype, [], [0])], 'dx'));
  },
};
