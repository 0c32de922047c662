import type { Inputs, OpContext, OpDef } from './op.js';
import { stridesOf } from './shared/broadcast.js';
import { totalBytes } from '../graph/tensor-meta.js';
import { fail, required } from './shared/tensor-info.js';

/** Coordinates of the non-zero elements, one row per axis; needs the input's values. */
function coordinates(ctx: OpContext, inputs: Inputs): number[][] {
  const x = required(ctx, inputs, 0);
  if (!x.value) fail(ctx, "its output size depends on the input's values, which are not constant; cleave cannot infer it statically");
  const strides = stridesOf(x.shape);
  const rows: number[][] = x.shape.map(() => []);
  Array.from(x.value.data).forEach((v, flat) => {
    if (!v) return;
    // rows and strides have one entry per axis i
    x.shape.forEach((d, i) => rows[i]!.push(Math.floor(flat / strides[i]!) % d));
  });
  return rows;
}

/** NonZero (opset 9+): int64 [rank, count] indices of the non-zero elements. Data-dependent shape. */
export const nonZero: OpDef = {
  opType: 'NonZero',
  sinceVersion: 9,
  differentiable: [false],
  inferShape(ctx, inputs) {
    const rows = coordinates(ctx, inputs);
    return [{ dtype: 'int64', shape: [rows.length, rows[0]?.length ?? 0] }];
  },
  cost: (_ctx, inputs, outputs) => ({ flops: 0, bytesRead: totalBytes(inputs), bytesWritten: totalBytes(outputs) }),
  evaluate(ctx, inputs) {
    const rows = coordinates(ctx, inputs);
    return [{ dtype: 'int64', dims: [rows.length, rows[0]?.length ?? 0], data: rows.flat() }];
  },
};
