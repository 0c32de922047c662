import type { OpDef } from './op.js';
import { stridesOf } from './shared/broadcast.js';
import { canFold, gatherValues, offsetOf } from './shared/index-map.js';
import { dataMovementCost, fail, required, sameAsFirst } from './shared/tensor-info.js';

/** Trilu (opset 14+): keeps the upper (or lower) triangle of the last two dims above diagonal k, zeroing the rest. */
export const trilu: OpDef = {
  opType: 'Trilu',
  sinceVersion: 14,
  differentiable: [true, false],
  inferShape(ctx, inputs) {
    if (required(ctx, inputs, 0).shape.length < 2) fail(ctx, 'input must have rank at least 2');
    return sameAsFirst(ctx, inputs);
  },
  cost: dataMovementCost,
  evaluate(ctx, inputs) {
    const x = required(ctx, inputs, 0);
    if (!x.value || !canFold(x.shape)) return undefined;
    let k = 0;
    if (inputs[1]) {
      const kv = inputs[1].value;
      if (!kv) return undefined;
      k = Number(kv.data[0]);
    }
    const upper = ctx.attrs.int('upper', 1) === 1;
    const r = x.shape.length;
    const strides = stridesOf(x.shape);
    return [
      gatherValues(x.value, x.shape, (c) => {
        const d = c[r - 1]! - c[r - 2]!; // rank >= 2: inferShape checks it before evaluate runs
        const keep = upper ? d >= k : d <= k;
        return keep ? offsetOf(c, strides) : -1;
      }),
    ];
  },
  // A mask: dX = dY with the same triangle kept.
  gradient(g) {
    g.setInputGrad(0, g.emit('Trilu', g.input(1) ? [g.outGrad(0), g.input(1)] : [g.outGrad(0)], 'dx', { upper: g.attrs.int('upper', 1) }));
  },
};
