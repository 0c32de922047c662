import { Random } from '../src/graph/random.js';
import type { DType } from '../src/onnx/dtype.js';
import { randomTensorOf } from '../src/runtime/random-feeds.js';
import type { RunTensor } from '../src/runtime/session.js';

/** Seeded random data of a dtype: normal floats, integers in [0, 4) (valid small indices). */
export function randomTensor(dtype: DType, shape: readonly number[], seed: number): RunTensor {
  return randomTensorOf(dtype, shape, new Random(seed), 4);
}
