import { BadRequestError } from '../errors.js';
import { Attrs } from '../graph/attributes.js';
import type { Graph } from '../graph/graph.js';
import { dtypeFromCode } from '../onnx/dtype.js';
import { numelOf } from '../onnx/tensor.js';
import type { NodeProto, TensorProto } from '../onnx/types.js';
import { formatDensity } from './degrees.js';
import type { Granularity, SparseLayerRecord, SparseOp } from './metadata.js';

/** Op types whose constant weight sparsify can mask. */
export const SPARSE_OPS: readonly SparseOp[] = ['Conv', 'Gemm', 'MatMul'];

/**
 * A layer seen as a junction from `channels` inputs to `outputs` outputs, and how its weight
 * is laid out. Conv weights are [n, p, k...] (`kernel` = prod(k) weights per channel pair);
 * Gemm with transB=1 stores [n, p]; Gemm with transB=0 and MatMul store [p, n] (`transposed`).
 */
export interface Junction {
  /** topological index of the node */
  readonly index: number;
  readonly node: NodeProto;
  readonly name: string;
  readonly op: SparseOp;
  /** the weight initializer's name, dims and values */
  readonly weight: string;
  readonly weightDims: readonly number[];
  readonly weightTensor: TensorProto;
  readonly outputs: number;
  /** input channels (Conv) or input features (Gemm, MatMul) */
  readonly channels: number;
  /** weights per (output, input channel) pair: the kernel size of a Conv, else 1 */
  readonly kernel: number;
  readonly transposed: boolean;
}

/** The junction's inputs (p) at a granularity: channels, or channels x kernel positions. */
export function junctionInputs(j: Junction, granularity: Granularity): number {
  return granularity === 'element' ? j.channels * j.kernel : j.channels;
}

/** Weights per connection at a granularity: a whole kernel per channel pair, or one. */
export function connectionSize(j: Junction, granularity: Granularity): number {
  return granularity === 'element' ? 1 : j.kernel;
}

function refuse(name: string, op: string, why: string): never {
  throw new BadRequestError(`layer "${name}" (${op}) cannot be made sparse: ${why}`);
}

/**
 * The junction of node `index`, or a BadRequestError naming the layer and what is wrong:
 * not Conv/Gemm/MatMul, weights not a float32 initializer of its own, a grouped Conv, a Gemm
 * with transA, a layer already sparse.
 */
export function junctionOf(graph: Graph, index: number, records: readonly SparseLayerRecord[]): Junction {
  // Bounds: index is a node of the graph, and a Conv weight has rank >= 3, a Gemm or MatMul weight rank 2 (checked before each read).
  const node = graph.nodes[index]!;
  const name = graph.nodeNames[index]!;
  const op = node.opType;
  if ((node.domain && node.domain !== 'ai.onnx') || !SPARSE_OPS.includes(op as SparseOp)) {
    refuse(name, op, 'only Conv, Gemm and MatMul with constant weights have connections to mask');
  }
  const already = records.find((r) => r.node === name);
  if (already) {
    refuse(name, op, `it is sparse already (density ${formatDensity(already.density)}, seed ${already.seed}, ${already.form}); sparsify the dense model instead, or densify this one first`);
  }
  const carrier = records.find((r) => r.folded?.node === name);
  if (carrier) {
    refuse(name, op, `its output channels come out in the input order of structured layer "${carrier.node}" (folded into its weights); sparsify the dense model with both layers at once, or densify this one first`);
  }
  const weight = node.input[1] ?? '';
  const tensor = graph.initializers.get(weight);
  if (!tensor) {
    const p = graph.producer.get(weight);
    refuse(name, op, p === undefined
      ? `its weight "${weight}" is not an initializer`
      : `its weight "${weight}" is computed by node "${graph.nodeNames[p]}", not a constant initializer (a model sparse already reads its weights this way)`);
  }
  const dtype = dtypeFromCode(tensor.dataType, `initializer "${weight}"`);
  if (dtype !== 'float32') refuse(name, op, `its weight "${weight}" is ${dtype}; only float32 weights are masked`);
  const readers = graph.consumers.get(weight) ?? [];
  if (readers.length > 1) {
    refuse(name, op, `its weight "${weight}" is shared with ${readers.filter((r) => r !== index).map((r) => `"${graph.nodeNames[r]}"`).join(', ')}; a mask would change them too`);
  }
  const dims = tensor.dims.map(Number);
  const attrs = new Attrs(node);
  const base = { index, node, name, op: op as SparseOp, weight, weightDims: dims, weightTensor: tensor };
  if (op === 'Conv') {
    if (dims.length < 3) refuse(name, op, `its weight has rank ${dims.length}; a Conv weight is [out, in, kernel...]`);
    if (attrs.int('group', 1) !== 1) refuse(name, op, `it is a grouped Conv (group ${attrs.int('group', 1)}); only group-1 Convs are masked`);
    return { ...base, outputs: dims[0]!, channels: dims[1]!, kernel: numelOf(dims.slice(2)), transposed: false };
  }
  if (dims.length !== 2) refuse(name, op, `its weight has rank ${dims.length}; only 2-D weights are masked`);
  if (op === 'Gemm' && attrs.int('transA', 0) !== 0) refuse(name, op, 'it has transA=1; transpose its input instead');
  const transB = op === 'Gemm' && attrs.int('transB', 0) === 1;
  const [a, b] = dims as [number, number];
  return transB
    ? { ...base, outputs: a, channels: b, kernel: 1, transposed: false }
    : { ...base, outputs: b, channels: a, kernel: 1, transposed: true };
}
