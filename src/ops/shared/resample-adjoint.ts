import type { DType } from '../../onnx/dtype.js';
import { type GradContext, ints, reshape } from '../grad-context.js';

/**
 * The gradient of a separable resampling (Resize, Upsample): along each axis, output element o
 * is a weighted sum of input elements, sum_j A[o, j] x[j], with weights that depend on that
 * axis' sizes, scale and the interpolation attributes only (nearest, n-linear, cubic and
 * antialias filters are all products of per-axis weights). The adjoint applies A^T axis by
 * axis. A^T is not computed in JS: the forward op itself, applied by ONNX Runtime along one
 * axis to the rows of an identity, gives row j = the output of input e_j = A[:, j]. Those
 * weights are therefore exactly the runtime's, whatever the coordinate mode.
 */

/**
 * An identity of order n as [n, 1, 1, n]: n one-hot rows laid out as a batch of 1 x n images,
 * so a 4-D resampling with scales [1, 1, 1, s] maps each row along its last axis only (the
 * size-1 height clamps every coordinate to 0, whatever the coordinate mode). EyeLike from
 * opset 9; before, a constant identity.
 */
export function identityRows(g: GradContext, n: number, dtype: DType, purpose: string): string {
  if (g.opset < 9) return g.constant(purpose, dtype, [n, 1, 1, n], Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0)));
  const zeros = g.emit('Expand', [g.constant(`${purpose}_zero`, dtype, [], [0]), ints(g, `${purpose}_square`, [n, n])], `${purpose}_zeros`);
  return reshape(g, g.emit('EyeLike', [zeros], `${purpose}_eye`), [n, 1, 1, n], purpose);
}

/** One resampled axis: its input size and the [n, 1, 1, m] resampled identity rows (A^T). */
export interface AxisWeights {
  readonly axis: number;
  readonly inDim: number;
  readonly weights: string;
}

/**
 * dX from dY by applying A^T of each listed axis: dY viewed as [before, m, after], the
 * [n, m] weights times it (MatMul broadcasts over `before`), giving [before, n, after]. On the
 * last axis (after = 1) that would be `before` matrix-vector products, so there dY is viewed
 * as [before, m] and multiplied by the transposed weights in one product instead.
 */
export function resampleAdjoint(g: GradContext, dy: string, outShape: readonly number[], axes: readonly AxisWeights[], purpose: string): string {
  const shape = [...outShape];
  let cur = dy;
  for (const { axis, inDim, weights } of axes) {
    const m = shape[axis]!; // axis < rank
    const before = shape.slice(0, axis).reduce((a, b) => a * b, 1);
    const after = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const at = reshape(g, weights, [inDim, m], `${purpose}${axis}_weights`);
    const product = after === 1
      ? g.emit('MatMul', [reshape(g, cur, [before, m], `${purpose}${axis}_view`), g.emit('Transpose', [at], `${purpose}${axis}_weights_t`, { perm: [1, 0] })], `${purpose}${axis}_adjoint`)
      : g.emit('MatMul', [at, reshape(g, cur, [before, m, after], `${purpose}${axis}_view`)], `${purpose}${axis}_adjoint`);
    shape[axis] = inDim;
    cur = reshape(g, product, shape, `${purpose}${axis}`);
  }
  return cur;
}
