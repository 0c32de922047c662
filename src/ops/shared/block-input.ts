import type { Inputs, OpContext, TensorInfo } from '../op.js';
import { fail, required } from './tensor-info.js';

/** DepthToSpace / SpaceToDepth input: a 4-D (N, C, H, W) tensor and the `blocksize` attribute. */
export function blockInput(ctx: OpContext, inputs: Inputs): { x: TensorInfo; b: number; dims: [number, number, number, number] } {
  const x = required(ctx, inputs, 0);
  const b = ctx.attrs.int('blocksize') ?? fail(ctx, 'attribute blocksize is required');
  if (x.shape.length !== 4) fail(ctx, `input must be 4-D (N, C, H, W), it has rank ${x.shape.length}`);
  return { x, b, dims: x.shape as [number, number, number, number] };
}
