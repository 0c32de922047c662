/**
 * Tensors handed from a bench to its Python reference: `NAME.json` lists each tensor's name,
 * dtype, dims and byte offset into `NAME.bin` (little-endian, as the machine's typed arrays).
 * bench/common/tensors.py reads them into NumPy arrays. Used for the weights a reference loads
 * (so both sides run the same network from the same values), the data it trains on, and
 * cleave's outputs it compares its own with.
 */
import { writeFileSync } from 'node:fs';
import { tensorValue } from '../../src/onnx/tensor.js';
import type { ModelProto } from '../../src/onnx/types.js';

export interface FileTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data: Float32Array | Int32Array | Uint8Array;
}

const DTYPES = new Map<unknown, string>([[Float32Array, 'float32'], [Int32Array, 'int32'], [Uint8Array, 'uint8']]);

/** Writes `prefix.json` and `prefix.bin`. */
export function writeTensors(prefix: string, tensors: readonly FileTensor[]): void {
  let offset = 0;
  const index = tensors.map((t) => {
    const n = t.dims.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new Error(`tensor ${t.name}: dims [${t.dims.join(', ')}] hold ${n} values, got ${t.data.length}`);
    const entry = { name: t.name, dtype: DTYPES.get(t.data.constructor), dims: t.dims, offset };
    offset += t.data.byteLength;
    return entry;
  });
  const bin = Buffer.alloc(offset);
  tensors.forEach((t, i) => bin.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), (index[i] as { offset: number }).offset));
  writeFileSync(`${prefix}.bin`, bin);
  writeFileSync(`${prefix}.json`, `${JSON.stringify(index)}\n`);
}

/** Initializers that are a layer's parameters or statistics (torchvision's names), not constants such as a Dropout ratio. */
const WEIGHT = /\.(weight|bias|running_mean|running_var)$/;

/** A model's weights, by their initializer names, for a reference to load. */
export function modelWeights(model: ModelProto): FileTensor[] {
  return model.graph.initializer
    .filter((t) => WEIGHT.test(t.name))
    .map((t) => ({ name: t.name, dims: t.dims.map(Number), data: Float32Array.from(tensorValue(t).data) }));
}

/** Values of the trained parameters (weights and biases; BatchNorm statistics are buffers), as PyTorch's `parameters()` counts them. */
export function parameterCount(model: ModelProto): number {
  return modelWeights(model).filter((t) => !/running_(mean|var)$/.test(t.name)).reduce((a, t) => a + t.data.length, 0);
}
