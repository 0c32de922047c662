import type { Graph } from '../graph/graph.js';
import { Random } from '../graph/random.js';
import type { Inference } from '../analysis/infer.js';
import { numelOf } from '../onnx/tensor.js';
import type { RunTensor } from './session.js';
import { BadModelError } from '../errors.js';
import type { DType } from '../onnx/dtype.js';
import { checkRunSizes, DEFAULT_MAX_TENSOR_BYTES } from './size-limit.js';

/**
 * Seeded random inputs for every graph input at its inferred shape: normal floats, small
 * non-negative integers (valid as indices or token ids), random booleans. They are made to run
 * the graph, so first every input and inferred activation is checked against `maxTensorBytes`.
 */
export function randomFeeds(graph: Graph, inference: Inference, seed = 1, maxTensorBytes = DEFAULT_MAX_TENSOR_BYTES): Record<string, RunTensor> {
  checkRunSizes(graph, inference, maxTensorBytes, 'running the model on random inputs');
  const rng = new Random(seed);
  const feeds: Record<string, RunTensor> = {};
  for (const v of graph.inputs) {
    const info = inference.tensors.get(v.name);
    if (!info) throw new BadModelError(`graph input "${v.name}" has no known shape`);
    feeds[v.name] = randomTensorOf(info.dtype, info.shape, rng, 2, `graph input "${v.name}"`);
  }
  return feeds;
}

/**
 * Random data of a dtype from `rng`: standard-normal floats, integers (and booleans) in
 * [0, intRange).
 */
export function randomTensorOf(dtype: DType, dims: readonly number[], rng: Random, intRange = 2, what = 'tensor'): RunTensor {
  const n = numelOf(dims);
  switch (dtype) {
    case 'float32': return { dtype, dims, data: Float32Array.from({ length: n }, () => rng.normal()) };
    case 'float64': return { dtype, dims, data: Float64Array.from({ length: n }, () => rng.normal()) };
    case 'int64': return { dtype, dims, data: BigInt64Array.from({ length: n }, () => BigInt(rng.int(intRange))) };
    case 'int32': return { dtype, dims, data: Int32Array.from({ length: n }, () => rng.int(intRange)) };
    case 'uint8': return { dtype, dims, data: Uint8Array.from({ length: n }, () => rng.int(intRange)) };
    case 'bool': return { dtype, dims, data: Uint8Array.from({ length: n }, () => rng.int(2)) };
    default: throw new BadModelError(`${what} has type ${dtype}, which cleave cannot generate test data for`);
  }
}
