import type { GradContext } from '../grad-context.js';
import type { TensorInfo } from '../../graph/tensor-meta.js';
import type { Inputs, OpContext, OpDef } from '../op.js';
import { stridesOf } from './broadcast.js';
import { canFold, gatherValues } from './index-map.js';
import { dataMovementCost, fail, required } from './tensor-info.js';

/** DepthToSpace / SpaceToDepth input: a 4-D (N, C, H, W) tensor and the `blocksize` attribute. */
export function blockInput(ctx: OpContext, inputs: Inputs): { x: TensorInfo; b: number; dims: [number, number, number, number] } {
  const x = required(ctx, inputs, 0);
  const b = ctx.attrs.int('blocksize') ?? fail(ctx, 'attribute blocksize is required');
  if (x.shape.length !== 4) fail(ctx, `input must be 4-D (N, C, H, W), it has rank ${x.shape.length}`);
  return { x, b, dims: x.shape as [number, number, number, number] };
}

/** What distinguishes DepthToSpace from SpaceToDepth. */
export interface BlockRearrange {
  readonly opType: string;
  readonly sinceVersion: number;
  /** the output shape, after checking that the block size divides what it must */
  outputShape(ctx: OpContext, b: number, dims: readonly [number, number, number, number]): number[];
  /** for output cell [n, c, h, w], its flat offset in X (strides of X given) */
  source(ctx: OpContext, b: number, x: TensorInfo, out: readonly number[], strides: readonly number[]): (coord: readonly number[]) => number;
  gradient(g: GradContext): void;
}

/** A block rearrangement as an op: shape rule, data-movement cost, folding and gradient. */
export function blockRearrangeOp(r: BlockRearrange): OpDef {
  const plan = (ctx: OpContext, inputs: Inputs) => {
    const { x, b, dims } = blockInput(ctx, inputs);
    return { x, b, shape: r.outputShape(ctx, b, dims) };
  };
  return {
    opType: r.opType,
    sinceVersion: r.sinceVersion,
    differentiable: [true],
    inferShape(ctx, inputs) {
      const { x, shape } = plan(ctx, inputs);
      return [{ dtype: x.dtype, shape }];
    },
    cost: dataMovementCost,
    evaluate(ctx, inputs) {
      const { x, b, shape } = plan(ctx, inputs);
      if (!x.value || !canFold(shape)) return undefined;
      return [gatherValues(x.value, shape, r.source(ctx, b, x, shape, stridesOf(x.shape)))];
    },
    gradient: r.gradient,
  };
}
