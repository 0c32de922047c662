import { dtypeCode } from '../onnx/dtype.js';
import { makeTensor } from '../onnx/tensor.js';
import type { NodeProto, TensorProto } from '../onnx/types.js';
import type { ConnectionMask } from './mask.js';
import type { Names } from './names.js';

/**
 * Compact storage of a masked weight: the kept weights packed in the weight's own order, and
 * the mask as one bit per connection. A dense float32 weight of N connections of K weights
 * takes 4·N·K bytes; packed it takes 4·kept·K + N/8 (at density 1/4 with 3x3 kernels, 25.3%).
 * ONNX `sparse_initializer` would need an index per kept weight (2 to 8 bytes), which costs
 * more than the dense weight at density 1/2; see sparse-initializer.ts.
 */
export interface PackedWeight {
  /** kept weights, [kept connections, blockSize] row-major */
  readonly values: Float32Array;
  readonly kept: number;
  /** the mask, bit i (LSB first) of byte i >> 3 for connection i */
  readonly bits: Uint8Array;
  /** connections the dense weight holds */
  readonly connections: number;
  /** weights per connection */
  readonly blockSize: number;
}

/**
 * The mask in the order the weight stores its connections: output-major for [n, p, ...]
 * weights, input-major for [p, n] (`transposed`) ones.
 */
export function keepInWeightOrder(mask: ConnectionMask, transposed: boolean): Uint8Array {
  if (!transposed) return mask.keep;
  const { inputs: p, outputs: n, keep } = mask;
  const out = new Uint8Array(p * n);
  for (let o = 0; o < n; o++) for (let j = 0; j < p; j++) out[j * n + o] = keep[o * p + j]!; // o < n, j < p: inside keep's n x p
  return out;
}

export function packBits(keep: Uint8Array): Uint8Array {
  const bits = new Uint8Array(Math.ceil(keep.length / 8));
  for (let i = 0; i < keep.length; i++) if (keep[i]) bits[i >> 3] = bits[i >> 3]! | (1 << (i & 7)); // i >> 3 < ceil(keep.length / 8), the length of bits
  return bits;
}

export function unpackBits(bits: Uint8Array, count: number): Uint8Array {
  const keep = new Uint8Array(count);
  for (let i = 0; i < count; i++) keep[i] = (bits[i >> 3]! >> (i & 7)) & 1; // i < count <= 8 bits.length
  return keep;
}

/** Packs the kept connections of `weight` (flattened, `keep` in weight order). */
export function packWeight(weight: Float32Array, keep: Uint8Array, blockSize: number): PackedWeight {
  let kept = 0;
  for (const k of keep) kept += k;
  const values = new Float32Array(kept * blockSize);
  let at = 0;
  keep.forEach((k, i) => {
    if (!k) return;
    values.set(weight.subarray(i * blockSize, (i + 1) * blockSize), at);
    at += blockSize;
  });
  return { values, kept, bits: packBits(keep), connections: keep.length, blockSize };
}

/** The dense weight (zeros where dropped) from its packed form: what the subgraph computes. */
export function unpackWeight(values: ArrayLike<number>, bits: Uint8Array, connections: number, blockSize: number): Float32Array {
  const keep = unpackBits(bits, connections);
  const out = new Float32Array(connections * blockSize);
  let at = 0;
  for (let i = 0; i < connections; i++) {
    if (!keep[i]) continue;
    for (let k = 0; k < blockSize; k++) out[i * blockSize + k] = values[at++]!; // values holds blockSize values per kept block, read in order
  }
  return out;
}

/** Nodes and initializers that compute a dense weight from its packed form. */
export interface Expansion {
  readonly nodes: readonly NodeProto[];
  readonly initializers: readonly TensorProto[];
  readonly values: string;
  readonly mask: string;
}

const INT32 = dtypeCode('int32');
const FLOAT = dtypeCode('float32');

/**
 * The subgraph that writes tensor `weight` (dims `dims`) from `<weight>/values` and
 * `<weight>/mask`. With keep the unpacked bits (byte b, bit i: floor(b / 2^i) mod 2), slot =
 * CumSum(keep) - 1 is each connection's row among the kept ones (-1 before the first, which
 * Gather wraps and the mask zeroes), so
 *     W = Reshape(Gather(values, slot) * keep, dims).
 * Every shape is static and every input constant: ONNX Runtime folds the subgraph once at
 * load, and autodiff sees a Gather, so a training step updates `values` only. The zero comes
 * from the mask, not a float initializer, so nothing else looks trainable.
 */
export function expansionGraph(names: Names, weight: string, dims: readonly number[], packed: PackedWeight): Expansion {
  const { connections: n, blockSize } = packed;
  const bytes = packed.bits.length;
  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  const constant = (what: string, dtype: 'int32' | 'int64', shape: readonly number[], data: ArrayLike<number>): string => {
    const name = names.tensor(`${weight}/expand/${what}`);
    initializers.push(makeTensor(name, dtype, shape, data));
    return name;
  };
  const node = (opType: string, what: string, inputs: readonly string[], attrs: Record<string, number> = {}, output?: string): string => {
    const out = output ?? names.tensor(`${weight}/expand/${what}`);
    nodes.push(names.make(`${weight}/expand/${what}`, opType, inputs, [out], attrs));
    return out;
  };
  const values = names.tensor(`${weight}/values`);
  const mask = names.tensor(`${weight}/mask`);
  initializers.push(makeTensor(values, 'float32', [packed.kept, blockSize], packed.values));
  initializers.push(makeTensor(mask, 'uint8', [bytes], packed.bits, true));

  const asInt = node('Cast', 'mask_int', [mask], { to: INT32 });
  const column = node('Reshape', 'mask_column', [asInt, constant('column_shape', 'int64', [2], [bytes, 1])]);
  const shifted = node('Div', 'shifted', [column, constant('bit_weights', 'int32', [1, 8], [1, 2, 4, 8, 16, 32, 64, 128])]);
  const bit = node('Mod', 'bits', [shifted, constant('two', 'int32', [], [2])]);
  let keep = node('Reshape', 'keep_padded', [bit, constant('flat_shape', 'int64', [1], [bytes * 8])]);
  if (bytes * 8 !== n) {
    keep = node('Slice', 'keep', [keep, constant('start', 'int64', [1], [0]), constant('end', 'int64', [1], [n])]);
  }
  const rank = node('CumSum', 'rank', [keep, constant('axis', 'int64', [], [0])]);
  const slot = node('Sub', 'slot', [rank, constant('one', 'int32', [], [1])]);
  const gathered = node('Gather', 'gathered', [values, slot], { axis: 0 });
  const keepFloat = node('Cast', 'keep_float', [keep], { to: FLOAT });
  const keepColumn = node('Reshape', 'keep_column', [keepFloat, constant('keep_shape', 'int64', [2], [n, 1])]);
  const masked = node('Mul', 'masked', [gathered, keepColumn]);
  node('Reshape', 'weight', [masked, constant('weight_shape', 'int64', [dims.length], dims)], {}, weight);
  return { nodes, initializers, values, mask };
}
