import { numelOf } from '../../onnx/tensor.js';
import type { TensorInfo } from '../../graph/tensor-meta.js';
import type { Inputs, OpContext, OpDef } from '../op.js';
import { canFold } from './index-map.js';
import { elementwiseCost, normAxis, required } from './tensor-info.js';

function plan(ctx: OpContext, inputs: Inputs): { x: TensorInfo; axis: number; shape: number[] } {
  const x = required(ctx, inputs, 0);
  const axis = normAxis(ctx, ctx.attrs.int('axis', 0), x.shape.length);
  const keep = ctx.attrs.int('keepdims', 1) === 1;
  const shape = keep ? x.shape.map((d, i) => (i === axis ? 1 : d)) : x.shape.filter((_, i) => i !== axis);
  return { x, axis, shape };
}

/**
 * ArgMax / ArgMin (opset 1+; select_last_index since 12): int64 index of the element along
 * `axis` that `better` prefers over all others. One compare per input element.
 */
export function argReduceOp(opType: string, better: (a: number, b: number) => boolean): OpDef {
  return {
    opType,
    sinceVersion: 1,
    differentiable: [false],
    inferShape(ctx, inputs) {
      return [{ dtype: 'int64', shape: plan(ctx, inputs).shape }];
    },
    cost: (ctx, inputs, outputs) => ({ ...elementwiseCost(0)(ctx, inputs, outputs), flops: numelOf(required(ctx, inputs, 0).shape) }),
    evaluate(ctx, inputs) {
      const { x, axis, shape } = plan(ctx, inputs);
      if (!x.value || !canFold(x.shape)) return undefined;
      const last = ctx.attrs.int('select_last_index', 0) === 1;
      const dim = x.shape[axis]!; // normAxis: axis < rank
      const outer = numelOf(x.shape.slice(0, axis));
      const inner = numelOf(x.shape.slice(axis + 1));
      const src = x.value.data;
      const out: number[] = [];
      for (let o = 0; o < outer; o++) {
        for (let k = 0; k < inner; k++) {
          let best = 0;
          for (let j = 1; j < dim; j++) {
            const v = src[(o * dim + j) * inner + k]!; // o < outer, j < dim, k < inner: inside src
            const b = src[(o * dim + best) * inner + k]!; // best < dim as well
            if (better(v, b) || (last && v === b)) best = j;
          }
          out.push(best);
        }
      }
      return [{ dtype: 'int64', dims: shape, data: out }];
    },
  };
}
