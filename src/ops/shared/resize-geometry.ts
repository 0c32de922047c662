import { type TensorInfo, numel, totalBytes } from '../../graph/tensor-meta.js';
import type { OpContext } from '../op.js';
import { fail } from './tensor-info.js';
import type { Cost } from '../op.js';

/**
 * Output dim of a scaled axis as ONNX Runtime computes it: the float32 product of scale and
 * input size, truncated (the spec's floor for non-negative sizes).
 */
export function scaledDim(inDim: number, scale: number): number {
  return Math.floor(Math.fround(Math.fround(scale) * inDim));
}

/** The values of a constant input that the output shape depends on, or a failure naming the node. */
export function constantValues(ctx: OpContext, t: TensorInfo, what: string): number[] {
  if (!t.value) fail(ctx, `${what} is not a constant, so the output shape is unknown (fold it or give the model static ${what})`);
  return Array.from(t.value.data);
}

/**
 * FLOPs per output element of an interpolation over the d axes whose size changes: nearest
 * copies (0); linear weights 2^d neighbours (2^d multiplies, 2^d - 1 adds); cubic 4^d
 * neighbours likewise. Coordinate arithmetic, shared along axes, is not counted.
 */
export function interpolationFlops(mode: string, inShape: readonly number[], outShape: readonly number[]): number {
  const d = outShape.filter((o, i) => o !== inShape[i]).length;
  if (mode === 'nearest' || d === 0) return 0;
  const neighbours = (mode === 'cubic' ? 4 : 2) ** d;
  return 2 * neighbours - 1;
}

/** Cost of Resize/Upsample: interpolation FLOPs per output element; reads X and the small parameter inputs. */
export function resizeCost(mode: string, inputs: readonly (TensorInfo | undefined)[], y: TensorInfo): Cost {
  const x = inputs[0]!; // cost runs once X is known
  return { flops: interpolationFlops(mode, x.shape, y.shape) * numel(y), bytesRead: totalBytes(inputs), bytesWritten: totalBytes([y]) };
}
