import { Random } from '../src/graph/random.js';
import type { DType } from '../src/onnx/dtype.js';
import { numelOf } from '../src/onnx/tensor.js';
import type { RunTensor } from '../src/runtime/session.js';

/** Seeded random data of a dtype: normal floats, small non-negative integers. */
export function randomTensor(dtype: DType, shape: readonly number[], seed: number): RunTensor {
  const rng = new Random(seed);
  const n = numelOf(shape);
  switch (dtype) {
    case 'float32': return { dtype, dims: shape, data: Float32Array.from({ length: n }, () => rng.normal()) };
    case 'float64': return { dtype, dims: shape, data: Float64Array.from({ length: n }, () => rng.normal()) };
    case 'int64': return { dtype, dims: shape, data: BigInt64Array.from({ length: n }, () => BigInt(rng.int(4))) };
    case 'int32': return { dtype, dims: shape, data: Int32Array.from({ length: n }, () => rng.int(4)) };
    case 'uint8': case 'bool': return { dtype, dims: shape, data: Uint8Array.from({ length: n }, () => rng.int(2)) };
    default: throw new Error(`randomTensor: ${dtype} not supported`);
  }
}
