import { UnsupportedOpError } from '../errors.js';
import { numelOf } from '../onnx/tensor.js';
import { type TensorInfo, numel, totalBytes } from '../graph/tensor-meta.js';
import type { Inputs, OpContext, OpDef } from './op.js';
import { constScalar } from './shared/const-input.js';
import { canFold } from './shared/index-map.js';
import { fail, normAxis, required } from './shared/tensor-info.js';

function plan(ctx: OpContext, inputs: Inputs): { x: TensorInfo; axis: number; k: number; shape: number[] } {
  const x = required(ctx, inputs, 0);
  const axis = normAxis(ctx, ctx.attrs.int('axis', -1), x.shape.length);
  // K was an attribute before opset 10, an input since.
  const k = ctx.opset < 10 ? ctx.attrs.int('k') ?? fail(ctx, 'attribute k is required') : constScalar(ctx, inputs, 1, 'K');
  // normAxis: axis < rank
  if (k < 0 || k > x.shape[axis]!) fail(ctx, `k ${k} is out of range for axis ${axis} of size ${x.shape[axis]}`);
  return { x, axis, k, shape: x.shape.map((d, i) => (i === axis ? k : d)) };
}

/** TopK (opset 1+; K as input since 10, largest/sorted since 11): the k largest (or smallest) values and their int64 indices. */
export const topK: OpDef = {
  opType: 'TopK',
  sinceVersion: 1,
  differentiable: [true, false],
  inferShape(ctx, inputs) {
    const { x, shape } = plan(ctx, inputs);
    return [{ dtype: x.dtype, shape }, { dtype: 'int64', shape: [...shape] }];
  },
  // A selection: counted as one compare per input element.
  cost: (ctx, inputs, outputs) => ({ flops: numel(required(ctx, inputs, 0)), bytesRead: totalBytes(inputs), bytesWritten: totalBytes(outputs) }),
  evaluate(ctx, inputs) {
    const { x, axis, k, shape } = plan(ctx, inputs);
    if (!x.value || !canFold(x.shape)) return undefined;
    const largest = ctx.attrs.int('largest', 1) === 1;
    const dim = x.shape[axis]!; // normAxis: axis < rank
    const outer = numelOf(x.shape.slice(0, axis));
    const inner = numelOf(x.shape.slice(axis + 1));
    const src = x.value.data;
    const values = new Array<number>(numelOf(shape));
    const indices = new Array<number>(numelOf(shape));
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const order = Array.from({ length: dim }, (_, j) => j);
        const at = (j: number) => src[(o * dim + j) * inner + i]!; // j < dim, i < inner, o < outer: inside src
        // Ties keep the lower index first, as ONNX specifies.
        order.sort((a, b) => (largest ? at(b) - at(a) : at(a) - at(b)) || a - b);
        // j < k <= dim = order.length (plan checks k)
        for (let j = 0; j < k; j++) {
          const dst = (o * k + j) * inner + i;
          values[dst] = at(order[j]!);
          indices[dst] = order[j]!;
        }
      }
    }
    return [
      { dtype: x.dtype, dims: shape, data: values },
      { dtype: 'int64', dims: [...shape], data: indices },
    ];
  },
  // The values' gradient goes back to where they came from (output 1 holds their indices);
  // the indices output has no gradient.
  gradient(g) {
    if (!g.hasOutGrad(0)) return;
    if (g.opset < 16) throw new UnsupportedOpError('TopK', g.ctx.name, g.opset, 'gradient rule before opset 16 (ScatterElements reduction)');
    const { x, axis } = plan(g.ctx, g.inputInfos());
    const zeros = g.emit('Expand', [g.constant('zero', x.dtype, [], [0]), g.constant('shape', 'int64', [x.shape.length], x.shape)], 'zeros');
    g.setInputGrad(0, g.emit('ScatterElements', [zeros, g.output(1), g.outGrad(0)], 'dx', { axis, reduction: 'add' }));
  },
};
