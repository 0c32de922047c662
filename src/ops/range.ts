import type { Inputs, OpContext, OpDef } from './op.js';
import { constScalar } from './shared/const-input.js';
import { canFold } from './shared/index-map.js';
import { elementwiseCost, fail, required } from './shared/tensor-info.js';

function plan(ctx: OpContext, inputs: Inputs): { start: number; delta: number; n: number } {
  const start = constScalar(ctx, inputs, 0, 'start');
  const limit = constScalar(ctx, inputs, 1, 'limit');
  const delta = constScalar(ctx, inputs, 2, 'delta');
  if (delta === 0) fail(ctx, 'delta is 0');
  return { start, delta, n: Math.max(0, Math.ceil((limit - start) / delta)) };
}

/** Range (opset 11+): start, start + delta, ... up to (not including) limit. One FLOP per element. */
export const range: OpDef = {
  opType: 'Range',
  sinceVersion: 11,
  differentiable: [false, false, false],
  inferShape(ctx, inputs) {
    return [{ dtype: required(ctx, inputs, 0).dtype, shape: [plan(ctx, inputs).n] }];
  },
  cost: elementwiseCost(1),
  evaluate(ctx, inputs) {
    const { start, delta, n } = plan(ctx, inputs);
    if (!canFold([n])) return undefined;
    const dtype = required(ctx, inputs, 0).dtype;
    // ORT accumulates `value += delta` in the element type; float32 rounding follows that.
    const f = dtype === 'float32' ? Math.fround : (v: number) => v;
    const data = new Array<number>(n);
    let v = f(start);
    for (let i = 0; i < n; i++, v = f(v + f(delta))) data[i] = v;
    return [{ dtype, dims: [n], data }];
  },
};
