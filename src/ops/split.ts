import type { TensorInfo } from '../graph/tensor-meta.js';
import type { Inputs, OpContext, OpDef } from './op.js';
import { stridesOf } from './shared/broadcast.js';
import { optionalConstInts } from './shared/const-input.js';
import { canFold, gatherValues, offsetOf } from './shared/index-map.js';
import { dataMovementCost, fail, normAxis, required } from './shared/tensor-info.js';

interface SplitPlan {
  readonly x: TensorInfo;
  readonly axis: number;
  readonly sizes: number[];
}

/**
 * Sizes of the parts along the axis: the `split` attribute (before opset 13) or input (13+);
 * otherwise equal parts, one per output, or (opset 18+) `num_outputs` parts of ceil(dim / n)
 * with a smaller last part.
 */
function splitPlan(ctx: OpContext, inputs: Inputs): SplitPlan {
  const x = required(ctx, inputs, 0);
  const axis = normAxis(ctx, ctx.attrs.int('axis', 0), x.shape.length);
  const dim = x.shape[axis]!; // normAxis: axis < rank
  const outputs = ctx.node.output.length;
  let sizes = ctx.opset < 13 ? ctx.attrs.ints('split') : optionalConstInts(ctx, inputs, 1, 'split');
  if (sizes && sizes.length === 0) sizes = undefined;
  if (!sizes) {
    const n = ctx.opset >= 18 ? ctx.attrs.int('num_outputs') ?? outputs : outputs;
    if (n < 1) fail(ctx, `cannot split into ${n} parts`);
    if (ctx.opset >= 18 && ctx.attrs.has('num_outputs')) {
      const chunk = Math.ceil(dim / n);
      sizes = Array.from({ length: n }, (_, i) => Math.max(0, Math.min(chunk, dim - i * chunk)));
    } else {
      if (dim % n !== 0) fail(ctx, `dim ${axis} of size ${dim} does not split evenly into ${n} outputs`);
      sizes = new Array<number>(n).fill(dim / n);
    }
  }
  if (sizes.length !== outputs) fail(ctx, `${sizes.length} split sizes for ${outputs} outputs`);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total !== dim || sizes.some((s) => s < 0)) fail(ctx, `split sizes [${sizes.join(', ')}] do not add up to dim ${axis} of size ${dim}`);
  return { x, axis, sizes };
}

/** Split (opset 2+): cuts the input along `axis` into one tensor per output. */
export const split: OpDef = {
  opType: 'Split',
  sinceVersion: 1,
  differentiable: [true, false],
  inferShape(ctx, inputs) {
    const { x, axis, sizes } = splitPlan(ctx, inputs);
    return sizes.map((s) => ({ dtype: x.dtype, shape: x.shape.map((d, i) => (i === axis ? s : d)) }));
  },
  cost: dataMovementCost,
  evaluate(ctx, inputs) {
    const { x, axis, sizes } = splitPlan(ctx, inputs);
    const v = x.value;
    if (!v || !canFold(x.shape)) return undefined;
    const strides = stridesOf(x.shape);
    let start = 0;
    return sizes.map((s) => {
      const from = start;
      start += s;
      const shape = x.shape.map((d, i) => (i === axis ? s : d));
      return gatherValues(v, shape, (c) => offsetOf(c, strides) + from * strides[axis]!); // axis < rank
    });
  },
  // dX = Concat of the outputs' gradients (zeros for outputs nothing reads) along the axis.
  gradient(g) {
    const { axis } = splitPlan(g.ctx, g.inputInfos());
    const parts = g.ctx.node.output.map((_, i) => g.outGrad(i));
    g.setInputGrad(0, g.emit('Concat', parts, 'dx', { axis }));
  },
};
