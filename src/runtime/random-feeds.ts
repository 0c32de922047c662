import type { Graph } from '../graph/graph.js';
import { Random } from '../graph/random.js';
import type { Inference } from '../analysis/infer.js';
import { numelOf } from '../onnx/tensor.js';
import type { RunTensor } from './session.js';
import { BadModelError } from '../errors.js';

/**
 * Seeded random inputs for every graph input at its inferred shape: normal floats, small
 * non-negative integers (valid as indices or token ids), random booleans.
 */
export function randomFeeds(graph: Graph, inference: Inference, seed = 1): Record<string, RunTensor> {
  const rng = new Random(seed);
  const feeds: Record<string, RunTensor> = {};
  for (const v of graph.inputs) {
    const info = inference.tensors.get(v.name);
    if (!info) throw new BadModelError(`graph input "${v.name}" has no known shape`);
    const n = numelOf(info.shape);
    const dims = info.shape;
    switch (info.dtype) {
      case 'float32': feeds[v.name] = { dtype: 'float32', dims, data: Float32Array.from({ length: n }, () => rng.normal()) }; break;
      case 'float64': feeds[v.name] = { dtype: 'float64', dims, data: Float64Array.from({ length: n }, () => rng.normal()) }; break;
      case 'int64': feeds[v.name] = { dtype: 'int64', dims, data: BigInt64Array.from({ length: n }, () => BigInt(rng.int(2))) }; break;
      case 'int32': feeds[v.name] = { dtype: 'int32', dims, data: Int32Array.from({ length: n }, () => rng.int(2)) }; break;
      case 'uint8': case 'bool': feeds[v.name] = { dtype: info.dtype, dims, data: Uint8Array.from({ length: n }, () => rng.int(2)) }; break;
      default: throw new BadModelError(`graph input "${v.name}" has type ${info.dtype}, which cleave cannot generate test data for`);
    }
  }
  return feeds;
}
