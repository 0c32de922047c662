import { dtypeCode } from '../onnx/dtype.js';
import type { OpDef } from './op.js';
import { castValue } from './cast.js';
import { canFold } from './shared/index-map.js';
import { dataMovementCost, required } from './shared/tensor-info.js';

/** CastLike (opset 15+): Cast to the element type of the second input. */
export const castLike: OpDef = {
  opType: 'CastLike',
  sinceVersion: 15,
  differentiable: [true, false],
  inferShape(ctx, inputs) {
    return [{ dtype: required(ctx, inputs, 1).dtype, shape: [...required(ctx, inputs, 0).shape] }];
  },
  cost: dataMovementCost,
  evaluate(ctx, inputs) {
    const x = required(ctx, inputs, 0);
    const to = required(ctx, inputs, 1).dtype;
    if (!x.value || to === 'string' || !canFold(x.shape)) return undefined;
    return [{ dtype: to, dims: [...x.shape], data: Array.from(x.value.data, (v) => castValue(Number(v), to)) }];
  },
  // dX = dY cast back to X's type.
  gradient(g) {
    g.setInputGrad(0, g.emit('Cast', [g.outGrad(0)], 'dx', { to: dtypeCode(g.inputInfo(0).dtype) }));
  },
};
