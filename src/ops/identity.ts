import type { OpDef } from './op.js';
import { dataMovementCost, required, sameAsFirst } from './shared/tensor-info.js';

/** Identity (opset 1+): the input unchanged. Identity of a weight is folded (it is not a layer). */
export const identity: OpDef = {
  opType: 'Identity',
  sinceVersion: 1,
  differentiable: [true],
  inferShape: sameAsFirst,
  cost: dataMovementCost,
  evaluate(ctx, inputs) {
    const v = required(ctx, inputs, 0).value;
    return v ? [v] : undefined;
  },
  // dX = dY
  gradient(g) {
    g.setInputGrad(0, g.emit('Identity', [g.outGrad(0)], 'dx'));
  },
};
