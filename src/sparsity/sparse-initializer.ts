import { BadRequestError } from '../errors.js';
import { type DType } from '../onnx/dtype.js';
import { makeTensor, numelOf, tensorValue } from '../onnx/tensor.js';
import type { ModelProto, TensorProto } from '../onnx/types.js';

/** ONNX SparseTensorProto: `values` carries the tensor's name, `indices` the linear positions. */
export interface SparseTensorProto {
  readonly values: TensorProto;
  readonly indices: TensorProto;
  readonly dims: readonly number[];
}

/**
 * The smallest index type ONNX Runtime accepts for linear indices below `n` (it takes int8,
 * int16, int32 and int64 indices; uint8 is refused).
 */
export function indexType(n: number): DType {
  return n <= 0x80 ? 'int8' : n <= 0x8000 ? 'int16' : n <= 0x80000000 ? 'int32' : 'int64';
}

/** A float32 tensor's nonzeros as a SparseTensorProto with linear indices of the smallest accepted type. */
export function sparseTensorOf(t: TensorProto): SparseTensorProto {
  const v = tensorValue(t);
  if (v.dtype !== 'float32') throw new BadRequestError(`initializer "${t.name}" is ${v.dtype}; only float32 weights are stored sparse`);
  const at: number[] = [];
  const kept: number[] = [];
  for (let i = 0; i < v.data.length; i++) {
    const x = v.data[i]!; // i < v.data.length
    if (x !== 0) {
      at.push(i);
      kept.push(x);
    }
  }
  const n = numelOf(v.dims);
  return {
    values: makeTensor(t.name, 'float32', [kept.length], kept),
    indices: makeTensor(`${t.name}/indices`, indexType(n), [at.length], at),
    dims: [...v.dims],
  };
}

/**
 * The model with the named dense initializers moved to `sparse_initializer` (nonzeros and
 * their linear indices). ONNX Runtime 1.30 loads this in Node and in onnxruntime-web (it
 * densifies them at session creation), but cleave stores sparse layers as packed values + a
 * bit mask instead (compact.ts): an index costs 1 to 8 bytes per kept weight where the mask
 * costs 1 bit per connection, and cleave's own graph (analysis, cut, training) sees only
 * `initializer`. Kept for comparison: bench/sparsity reports both sizes.
 */
export function withSparseInitializers(model: ModelProto, names: readonly string[]): ModelProto {
  const wanted = new Set(names);
  const moving = model.graph.initializer.filter((t) => wanted.has(t.name));
  if (moving.length !== wanted.size) {
    const missing = names.filter((n) => !moving.some((t) => t.name === n));
    throw new BadRequestError(`no initializer named ${missing.map((m) => `"${m}"`).join(', ')}`);
  }
  return {
    ...model,
    graph: {
      ...model.graph,
      initializer: model.graph.initializer.filter((t) => !wanted.has(t.name)),
      sparseInitializer: [...(model.graph.sparseInitializer ?? []), ...moving.map(sparseTensorOf)],
    },
  };
}
