import { numelOf } from '../onnx/tensor.js';
import type { OpDef } from './op.js';
import { canFold } from './shared/index-map.js';
import { elementwiseCost, normAxis, required, sameAsFirst } from './shared/tensor-info.js';

/** CumSum (opset 11+): running sum along the axis input, optionally exclusive and/or reversed. */
export const cumSum: OpDef = {
  opType: 'CumSum',
  sinceVersion: 11,
  differentiable: [true, false],
  inferShape: sameAsFirst,
  cost: elementwiseCost(1),
  evaluate(ctx, inputs) {
    const x = required(ctx, inputs, 0);
    const a = required(ctx, inputs, 1).value;
    if (!x.value || !a || !canFold(x.shape)) return undefined;
    const axis = normAxis(ctx, Number(a.data[0]), x.shape.length);
    const exclusive = ctx.attrs.int('exclusive', 0) === 1;
    const reverse = ctx.attrs.int('reverse', 0) === 1;
    const dim = x.shape[axis]!; // normAxis: axis < rank
    const outer = numelOf(x.shape.slice(0, axis));
    const inner = numelOf(x.shape.slice(axis + 1));
    const src = x.value.data;
    const out = new Array<number>(src.length);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let acc = 0;
        for (let s = 0; s < dim; s++) {
          const j = reverse ? dim - 1 - s : s;
          const at = (o * dim + j) * inner + i;
          const v = src[at]!; // at < outer x dim x inner, inside src
          if (exclusive) {
            out[at] = acc;
            acc += v;
          } else {
            acc += v;
            out[at] = acc;
          }
        }
      }
    }
    return [{ dtype: x.dtype, dims: [...x.shape], data: out }];
  },
  // dX = the cumulative sum of dY in the other direction (same axis, same exclusivity).
  gradient(g) {
    const reverse = g.attrs.int('reverse', 0) === 1 ? 0 : 1;
    g.setInputGrad(0, g.emit('CumSum', [g.outGrad(0), g.input(1)], 'dx', { exclusive: g.attrs.int('exclusive', 0), reverse }));
  },
};
