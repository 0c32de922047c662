import type { DType } from '../../onnx/dtype.js';
import type { TensorValue } from '../../onnx/tensor.js';
import { numelOf } from '../../onnx/tensor.js';
import { MAX_FOLD_ELEMENTS } from './elementwise.js';

/** True when a tensor of this shape is small enough to fold in JS. */
export function canFold(shape: readonly number[]): boolean {
  return numelOf(shape) <= MAX_FOLD_ELEMENTS;
}

/**
 * Builds a tensor of `outShape` whose element at each coordinate is `src.data[index(coords)]`,
 * or `fill` where `index` returns a negative number (padding). The data-movement ops
 * (Transpose, Slice, Gather, Pad, Tile...) fold through this one loop.
 */
export function gatherValues(
  src: TensorValue,
  outShape: readonly number[],
  index: (coords: readonly number[]) => number,
  fill = 0,
  dtype: DType = src.dtype,
): TensorValue {
  const n = numelOf(outShape);
  const data = new Array<number>(n);
  const coords = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < n; i++) {
    const k = index(coords);
    data[i] = k < 0 ? fill : src.data[k]!; // k >= 0 is an index of src, as the caller's map gives
    // Odometer increment, last axis fastest (row-major).
    for (let d = outShape.length - 1; d >= 0; d--) {
      if (++coords[d]! < outShape[d]!) break; // d < outShape.length = coords.length
      coords[d] = 0;
    }
  }
  return { dtype, dims: [...outShape], data };
}

/** Flat row-major offset of `coords` in a tensor with `strides`. */
export function offsetOf(coords: readonly number[], strides: readonly number[]): number {
  let o = 0;
  // callers pass coordinates and strides of the same tensor, so of equal length
  for (let i = 0; i < coords.length; i++) o += coords[i]! * strides[i]!;
  return o;
}
