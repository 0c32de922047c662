import { BadModelError } from '../../errors.js';
import { type TensorInfo, numel, totalBytes } from '../../graph/tensor-meta.js';
import type { Cost, Inputs, OpContext } from '../op.js';

/** The i-th input, which this op requires. */
export function required(ctx: OpContext, inputs: Inputs, i: number): TensorInfo {
  const t = inputs[i];
  if (!t) throw new BadModelError(`${ctx.node.opType} node "${ctx.name}": input ${i} is required`);
  return t;
}

/** Throws a BadModelError naming the node. */
export function fail(ctx: OpContext, message: string): never {
  throw new BadModelError(`${ctx.node.opType} node "${ctx.name}": ${message}`);
}

/** Normalises a possibly negative axis against a rank, checking its range. */
export function normAxis(ctx: OpContext, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) fail(ctx, `axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/** Cost of an op that does `flopsPerElement` operations per output element and reads each input once. */
export function elementwiseCost(flopsPerElement: number) {
  return (_ctx: OpContext, inputs: Inputs, outputs: readonly TensorInfo[]): Cost => ({
    flops: flopsPerElement * (outputs[0] ? numel(outputs[0]) : 0),
    bytesRead: totalBytes(inputs),
    bytesWritten: totalBytes(outputs),
  });
}

/** Cost of an op that only moves or reinterprets data (no arithmetic). */
export const dataMovementCost = elementwiseCost(0);

/** Output = first input's type and shape (activations, Identity, Dropout's first output). */
export function sameAsFirst(ctx: OpContext, inputs: Inputs): TensorInfo[] {
  const x = required(ctx, inputs, 0);
  return [{ dtype: x.dtype, shape: x.shape }];
}
