import { numelOf } from '../onnx/tensor.js';
import type { TensorInfo } from '../graph/tensor-meta.js';
import { type GradContext, reduceSum, reshape } from './grad-context.js';
import type { Inputs, OpContext, OpDef } from './op.js';
import { constScalar } from './shared/const-input.js';
import { canFold } from './shared/index-map.js';
import { elementwiseCost, fail, normAxis, required } from './shared/tensor-info.js';

function plan(ctx: OpContext, inputs: Inputs): { indices: TensorInfo; values: TensorInfo; depth: number; axis: number; shape: number[] } {
  const indices = required(ctx, inputs, 0);
  const values = required(ctx, inputs, 2);
  const depth = Math.trunc(constScalar(ctx, inputs, 1, 'depth'));
  if (depth < 1) fail(ctx, `depth ${depth} must be positive`);
  // The new axis indexes the output, one rank above the indices.
  const axis = normAxis(ctx, ctx.attrs.int('axis', -1), indices.shape.length + 1);
  const shape = [...indices.shape.slice(0, axis), depth, ...indices.shape.slice(axis)];
  return { indices, values, depth, axis, shape };
}

/** OneHot (opset 9+; negative indices since 11): [off, on] values at each index along a new axis of size depth. */
export const oneHot: OpDef = {
  opType: 'OneHot',
  sinceVersion: 9,
  differentiable: [false, false, true],
  inferShape(ctx, inputs) {
    const { values, shape } = plan(ctx, inputs);
    return [{ dtype: values.dtype, shape }];
  },
  cost: elementwiseCost(0),
  evaluate(ctx, inputs) {
    const { indices, values, depth, axis, shape } = plan(ctx, inputs);
    if (!indices.value || !values.value || !canFold(shape)) return undefined;
    const [off, on] = [Number(values.value.data[0]), Number(values.value.data[1])];
    const outer = numelOf(indices.shape.slice(0, axis));
    const inner = numelOf(indices.shape.slice(axis));
    const out = new Array<number>(numelOf(shape)).fill(off);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const v = Number(indices.value.data[o * inner + i]);
        const j = v < 0 ? v + depth : v;
        if (j >= 0 && j < depth) out[(o * depth + j) * inner + i] = on;
      }
    }
    return [{ dtype: values.dtype, dims: shape, data: out }];
  },
  gradient: oneHotGradient,
};

/**
 * Y = off + (on - off) M with M = OneHot(indices) in {0, 1}: d on = sum(dY M), d off =
 * sum(dY) - d on; the values' gradient is [d off, d on].
 */
function oneHotGradient(g: GradContext): void {
  if (!g.needs(2)) return;
  const values = g.inputInfo(2);
  const dy = g.outGrad(0);
  const all = g.outputInfo(0).shape.map((_, i) => i);
  const mask = g.emit('OneHot', [g.input(0), g.input(1), g.constant('mask_values', values.dtype, [2], [0, 1])], 'mask', { axis: g.attrs.int('axis', -1) });
  const on = reduceSum(g, g.emit('Mul', [dy, mask], 'dy_on'), all, false, 'don');
  const off = g.emit('Sub', [reduceSum(g, dy, all, false, 'dy_total'), on], 'doff');
  g.setInputGrad(2, g.emit('Concat', [reshape(g, off, [1], 'doff_1'), reshape(g, on, [1], 'don_1')], 'dvalues', { axis: 0 }));
}
