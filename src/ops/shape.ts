import type { OpDef } from './op.js';
import { dataMovementCost, required } from './shared/tensor-info.js';

function range(ctx: Parameters<OpDef['inferShape']>[0], rank: number): [number, number] {
  // opset 15 added start/end; negative values count from the end; both clamp to [0, rank].
  const clamp = (v: number) => Math.min(rank, Math.max(0, v < 0 ? v + rank : v));
  const start = clamp(ctx.attrs.int('start', 0));
  const end = clamp(ctx.attrs.int('end') ?? rank);
  return [start, Math.max(start, end)];
}

/** Shape (opset 1+, start/end since 15): the input's dimensions as int64. Known statically, so always folded. */
export const shape: OpDef = {
  opType: 'Shape',
  sinceVersion: 1,
  differentiable: [false],
  inferShape(ctx, inputs) {
    const x = required(ctx, inputs, 0);
    const [s, e] = range(ctx, x.shape.length);
    return [{ dtype: 'int64', shape: [e - s] }];
  },
  // Reads only metadata: no bytes of the input's data move.
  cost: (ctx, _inputs, outputs) => ({ ...dataMovementCost(ctx, [], outputs), bytesRead: 0 }),
  evaluate(ctx, inputs) {
    const x = required(ctx, inputs, 0);
    const [s, e] = range(ctx, x.shape.length);
    return [{ dtype: 'int64', dims: [e - s], data: x.shape.slice(s, e) }];
  },
};
