import type { Inputs, OpContext, OpDef } from './op.js';
import { stridesOf } from './shared/broadcast.js';
import { canFold, gatherValues } from './shared/index-map.js';
import { dataMovementCost, fail, required } from './shared/tensor-info.js';

function permOf(ctx: OpContext, inputs: Inputs): number[] {
  const rank = required(ctx, inputs, 0).shape.length;
  const perm = ctx.attrs.ints('perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  const sorted = [...perm].sort((a, b) => a - b);
  if (perm.length !== rank || sorted.some((p, i) => p !== i)) fail(ctx, `perm [${perm.join(', ')}] is not a permutation of ${rank} axes`);
  return perm;
}

/** Transpose (opset 1+): permutes the axes (default: reverses them). */
export const transpose: OpDef = {
  opType: 'Transpose',
  sinceVersion: 1,
  differentiable: [true],
  inferShape(ctx, inputs) {
    const x = required(ctx, inputs, 0);
    // permOf returns a permutation of 0..rank-1, so every x.shape[p] exists
    return [{ dtype: x.dtype, shape: permOf(ctx, inputs).map((p) => x.shape[p]!) }];
  },
  cost: dataMovementCost,
  evaluate(ctx, inputs) {
    // Bounds: perm is a permutation of 0..rank-1 (permOf checks), and coordinates have rank entries.
    const x = required(ctx, inputs, 0);
    if (!x.value || !canFold(x.shape)) return undefined;
    const perm = permOf(ctx, inputs);
    const inStrides = stridesOf(x.shape);
    // perm is a permutation of 0..rank-1; coordinates have rank entries
    const outStrides = perm.map((p) => inStrides[p]!);
    const out = gatherValues(x.value, perm.map((p) => x.shape[p]!), (c) => {
      let o = 0;
      for (let i = 0; i < c.length; i++) o += c[i]! * outStrides[i]!;
      return o;
    });
    return [out];
  },
  // dX = Transpose(dY) with the inverse permutation.
  gradient(g) {
    const perm = permOf(g.ctx, g.inputInfos());
    const inverse = new Array<number>(perm.length);
    perm.forEach((p, i) => { inverse[p] = i; });
    g.setInputGrad(0, g.emit('Transpose', [g.outGrad(0)], 'dx', { perm: inverse }));
  },
};
