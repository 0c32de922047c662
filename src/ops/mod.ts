import type { TensorInfo } from '../graph/tensor-meta.js';
import { sumToInputShape } from './grad-context.js';
import type { OpDef } from './op.js';
import { broadcastEvaluate, broadcastOp } from './shared/elementwise.js';
import { inputValues } from './shared/const-input.js';
import { canFold } from './shared/index-map.js';

const base = broadcastOp('Mod', 2, 1, ([a, b]) => a! % b!); // Mod has two inputs: each pair has both

/**
 * Mod (opset 10+): with fmod=1 the C fmod (result takes the dividend's sign); with fmod=0
 * (integers only) the Python modulo (result takes the divisor's sign).
 */
export const mod: OpDef = {
  ...base,
  sinceVersion: 10,
  differentiable: [true, false],
  evaluate(ctx, inputs) {
    // Bounds: Mod has two inputs, so each element pair [a, b] has both.
    const vals = inputValues(inputs, 2);
    if (!vals) return undefined;
    const [out] = base.inferShape(ctx, inputs) as [TensorInfo];
    if (!canFold(out.shape)) return undefined;
    const fmod = ctx.attrs.int('fmod', 0) === 1;
    const f = fmod
      ? ([a, b]: number[]) => a! % b!
      : ([a, b]: number[]) => {
          const r = a! % b!;
          return r !== 0 && r < 0 !== b! < 0 ? r + b! : r;
        };
    return [broadcastEvaluate(vals, out.shape, out.dtype, f)];
  },
  // Y = A - B q with q = trunc(A / B) (fmod) or floor(A / B), constant between its jumps: dA =
  // reduce-to-shape(dY, A). B's slope -q is not taken (ONNX marks B non-differentiable).
  gradient(g) {
    if (g.needs(0)) g.setInputGrad(0, sumToInputShape(g, g.outGrad(0), 0));
  },
};
