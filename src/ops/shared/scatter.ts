import { UnsupportedOpError } from '../../errors.js';
import type { TensorValue } from '../../onnx/tensor.js';
import { type GradContext, ints } from '../grad-context.js';
import type { TensorInfo } from '../../graph/tensor-meta.js';
import type { Inputs, OpContext } from '../op.js';
import { inputValues } from './const-input.js';
import { canFold } from './index-map.js';
import { fail, required } from './tensor-info.js';

/** How a scatter combines an update with the element (or slice) it lands on. */
export const SCATTER_REDUCE: Readonly<Record<string, (a: number, b: number) => number>> = {
  none: (_a, b) => b,
  add: (a, b) => a + b,
  mul: (a, b) => a * b,
  max: Math.max,
  min: Math.min,
};

/** A scatter's inputs when all three are known values it can fold, with its reduction; else undefined. */
export function scatterFoldInputs(ctx: OpContext, inputs: Inputs): { data: TensorInfo; indices: TensorInfo; d: TensorValue; i: TensorValue; u: TensorValue; reduce: (a: number, b: number) => number } | undefined {
  const data = required(ctx, inputs, 0);
  const indices = required(ctx, inputs, 1);
  const vals = inputValues(inputs, 3);
  if (!vals || !canFold(data.shape)) return undefined;
  const [d, i, u] = vals as [TensorValue, TensorValue, TensorValue];
  const reduce = SCATTER_REDUCE[ctx.attrs.string('reduction', 'none')] ?? fail(ctx, 'unknown reduction');
  return { data, indices, d, i, u, reduce };
}

/**
 * The gradient of a scatter (inputs data, indices, updates) given its matching gather.
 * Reduction 'none': Y is data with the addressed parts replaced, so dData = dY with those parts
 * zeroed (the scatter of zeros into dY) and dUpdates = the addressed parts of dY (the gather).
 * Reduction 'add': Y = data + the scattered updates, so dData = dY and dUpdates is the same
 * gather (an index that repeats reads the same dY). mul/max/min have no rule.
 */
export function scatterGradient(g: GradContext, opType: string, ops: { scatter: string; gather: string }, attrs: Readonly<Record<string, number>> = {}): void {
  const reduction = g.attrs.string('reduction', 'none');
  if (reduction !== 'none' && reduction !== 'add') throw new UnsupportedOpError(opType, g.ctx.name, g.opset, `gradient rule for reduction ${reduction}`);
  const dy = g.outGrad(0);
  if (g.needs(0)) {
    if (reduction === 'add') {
      g.setInputGrad(0, g.emit('Identity', [dy], 'd_data'));
    } else {
      const updates = g.inputInfo(2);
      const zeros = g.emit('Expand', [g.constant('zero', updates.dtype, [], [0]), ints(g, 'updates_shape', updates.shape)], 'zeros');
      g.setInputGrad(0, g.emit(ops.scatter, [dy, g.input(1), zeros], 'd_data', attrs));
    }
  }
  if (g.needs(2)) g.setInputGrad(2, g.emit(ops.gather, [dy, g.input(1)], 'd_updates', attrs));
}
