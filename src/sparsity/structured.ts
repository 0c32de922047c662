import { BadRequestError } from '../errors.js';
import { Attrs } from '../graph/attributes.js';
import { nodeAttribute } from '../graph/builder.js';
import type { Random } from '../graph/random.js';
import { makeTensor, numelOf, tensorValue } from '../onnx/tensor.js';
import type { NodeProto, TensorProto } from '../onnx/types.js';
import type { Junction } from './junction.js';
import type { ConnectionMask } from './mask.js';
import type { Names } from './names.js';

/**
 * A block-diagonal mask after an input permutation: output o is in group floor(o / (n/G)),
 * input j in group floor(pos(j) / (p/G)) where pos(j) is j's place in `order`, and o reads j
 * when their groups agree. Every output reads p/G inputs and every input feeds n/G outputs:
 * the degrees of Dey's pattern at density 1/G, in a form a grouped Conv computes directly.
 */
export interface StructuredMask extends ConnectionMask {
  readonly groups: number;
  /** the input channel at each grouped position (a permutation of 0..p-1) */
  readonly order: readonly number[];
}

/** Draws the input permutation of a structured mask from `rng`. */
export function drawStructuredMask(inputs: number, outputs: number, groups: number, rng: Random): StructuredMask {
  if (!(groups >= 1 && inputs % groups === 0 && outputs % groups === 0)) {
    throw new BadRequestError(`${groups} groups do not divide ${inputs} inputs and ${outputs} outputs`);
  }
  return structuredMask(inputs, outputs, groups, rng.shuffle(Array.from({ length: inputs }, (_, i) => i)));
}

/** The mask of a given grouping and permutation. */
export function structuredMask(inputs: number, outputs: number, groups: number, order: readonly number[]): StructuredMask {
  const [pg, ng] = [inputs / groups, outputs / groups];
  const groupOfInput = new Int32Array(inputs);
  order.forEach((j, pos) => { groupOfInput[j] = Math.floor(pos / pg); });
  const keep = new Uint8Array(inputs * outputs);
  for (let o = 0; o < outputs; o++) {
    const g = Math.floor(o / ng);
    for (let j = 0; j < inputs; j++) keep[o * inputs + j] = groupOfInput[j] === g ? 1 : 0;
  }
  return { inputs, outputs, fo: ng, fi: pg, density: 1 / groups, keep, groups, order };
}

/** Weight element (o, j, k) of a junction's weight as stored (output-major or transposed). */
function weightAt(j: Junction, w: ArrayLike<number>): (o: number, i: number, k: number) => number {
  const { outputs: n, channels: p, kernel: kk } = j;
  return j.transposed ? (o, i) => w[i * n + o]! : (o, i, k) => w[(o * p + i) * kk + k]!; // o < n, i < p, k < kk: inside the junction's n x p x kk weights
}

/** The layer realised as a grouped Conv / block-diagonal MatMul, and what its record names. */
export interface StructuredLayer {
  readonly nodes: readonly NodeProto[];
  readonly initializers: readonly TensorProto[];
  /** initializers replaced by new ones of the same name */
  readonly removed: readonly string[];
  /** initializers the layer no longer reads (others may) */
  readonly released: readonly string[];
  readonly permutation: string;
  readonly input: string;
  readonly output: string;
  readonly bias?: string;
}

/**
 * Rewrites junction `j` with mask `m`, so that each group's inputs are contiguous:
 * - Conv: x[:, order] (a Gather of the channel axis), then the same Conv with group = G and
 *   weight W'[o, c] = W[o, order[g(o)·p/G + c]];
 * - Gemm/MatMul, x [lead..., p]: features first, x^T [p, lead...], rows in `order` (a Gather of
 *   axis 0: whole rows move), -> [G, p/G, rows]; W'' [G, n/G, p/G] @ that -> [G, n/G, rows]
 *   -> [n, rows] -> transposed back [rows, n] (-> [lead..., n]) (+ beta·C), with
 *   W''[g, d, c] = alpha·W[g·n/G + d, order[g·p/G + c]]: G products over all rows at once,
 *   1/G of the FLOPs. Both other layouts measured slower in ONNX Runtime at batch 256
 *   (bench/sparsity/mlp): [rows, G, 1, p/G] @ W' (rows·G products of one row, 6x the dense
 *   Gemm) and a Gather of the last axis (one element at a time, 5x).
 * The layer's node keeps its name (the Conv, or the MatMul); the output tensor keeps its name.
 * `inputShape` is the data input's shape (the Gemm/MatMul route needs its rank and inner dims).
 */
export function structuredGraph(names: Names, j: Junction, m: StructuredMask, inputShape: readonly number[], biasTensor: TensorProto | undefined): StructuredLayer {
  // Bounds: a junction node has input 0 and output 0; m.order is a permutation of the p inputs, read at base + c < p and g pg + c < p.
  const { node, name, weight, outputs: n, channels: p, kernel: kk } = j;
  const G = m.groups;
  const [pg, ng] = [p / G, n / G];
  const w = weightAt(j, tensorValue(j.weightTensor).data);
  const input = node.input[0]!;
  const output = node.output[0]!;
  const attrs = new Attrs(node);
  const permutation = names.tensor(`${name}/permutation`);
  const initializers: TensorProto[] = [makeTensor(permutation, 'int64', [p], m.order)];
  const permuted = names.tensor(`${name}/permuted`);
  const nodes: NodeProto[] = [];
  if (j.op === 'Conv') {
    nodes.push(names.make(`${name}/permute`, 'Gather', [input, permutation], [permuted], { axis: 1 }));
    const data = new Float32Array(n * pg * kk);
    for (let o = 0; o < n; o++) {
      const base = Math.floor(o / ng) * pg;
      for (let c = 0; c < pg; c++) for (let k = 0; k < kk; k++) data[(o * pg + c) * kk + k] = w(o, m.order[base + c]!, k);
    }
    initializers.push(makeTensor(weight, 'float32', [n, pg, ...j.weightDims.slice(2)], data));
    const attribute = [...node.attribute.filter((a) => a.name !== 'group'), nodeAttribute('group', G)];
    nodes.push({ ...node, name, input: [permuted, weight, ...node.input.slice(2)], attribute });
    return { nodes, initializers, removed: [weight], released: [], permutation, input, output };
  }
  const alpha = j.op === 'Gemm' ? attrs.float('alpha', 1) : 1;
  const data = new Float32Array(G * ng * pg);
  for (let g = 0; g < G; g++) {
    for (let d = 0; d < ng; d++) {
      for (let c = 0; c < pg; c++) data[(g * ng + d) * pg + c] = alpha * w(g * ng + d, m.order[g * pg + c]!, 0);
    }
  }
  initializers.push(makeTensor(weight, 'float32', [G, ng, pg], data));
  const shape = (what: string, dims: readonly number[]): string => {
    const t = names.tensor(`${name}/${what}`);
    initializers.push(makeTensor(t, 'int64', [dims.length], dims));
    return t;
  };
  const step = (what: string, opType: string, inputs: readonly string[], attrs: Readonly<Record<string, number[]>> = {}, out?: string): string => {
    const t = out ?? names.tensor(`${name}/${what}`);
    nodes.push(names.make(`${name}/${what}`, opType, inputs, [t], attrs));
    return t;
  };
  const rank = inputShape.length;
  const lead = Array.from({ length: rank - 1 }, (_, i) => i);
  const front = step('features_first', 'Transpose', [input], { perm: [rank - 1, ...lead] });
  nodes.push(names.make(`${name}/permute`, 'Gather', [front, permutation], [permuted], { axis: 0 }));
  const split = step('split', 'Reshape', [permuted, shape('split_shape', [G, pg, -1])]);
  const grouped = names.tensor(`${name}/grouped`);
  nodes.push({ name, opType: 'MatMul', domain: '', input: [weight, split], output: [grouped], attribute: [] });
  const c = j.op === 'Gemm' ? node.input[2] : undefined;
  const rows = step('merge', 'Reshape', [grouped, shape('merge_shape', [n, -1])]);
  const last = c ? names.tensor(`${name}/merged`) : output;
  if (rank === 2) step('back', 'Transpose', [rows], { perm: [1, 0] }, last);
  else {
    const back = step('back', 'Transpose', [rows], { perm: [1, 0] });
    step('unflatten', 'Reshape', [back, shape('unflatten_shape', [-1, ...inputShape.slice(1, -1), n])], {}, last);
  }
  const removed = [weight];
  const released: string[] = [];
  if (!c) return { nodes, initializers, removed, released, permutation, input, output };
  const beta = attrs.float('beta', 1);
  let bias = c;
  if (beta !== 1) {
    if (!biasTensor) throw new BadRequestError(`layer "${name}" (Gemm): beta=${beta} with a bias "${c}" that is not an initializer; the structured form folds beta into a constant bias`);
    const v = tensorValue(biasTensor);
    bias = names.tensor(`${c}/scaled`);
    initializers.push(makeTensor(bias, 'float32', v.dims, Float32Array.from(v.data, (x) => x * beta)));
    released.push(c);
  }
  nodes.push(names.make(`${name}/bias`, 'Add', [last, bias], [output]));
  return { nodes, initializers, removed, released, permutation, input, output, bias };
}

/**
 * The dense masked weight of a structured layer, laid out as the dense op stored it (Conv
 * [n, p, k...]; Gemm/MatMul [n, p], or [p, n] when `transposed`): the inverse of structuredGraph.
 */
export function denseFromStructured(conv: boolean, transposed: boolean, grouped: ArrayLike<number>, groupedDims: readonly number[], outputs: number, order: readonly number[]): { data: Float32Array; dims: number[] } {
  // Bounds: order is a permutation of the p inputs, read below p; grouped holds the groupedDims product of values, and each index stays inside it.
  const p = order.length;
  if (conv) {
    const [n, pg] = groupedDims as [number, number];
    const kk = numelOf(groupedDims.slice(2));
    const ng = n / (p / pg);
    const data = new Float32Array(n * p * kk);
    for (let o = 0; o < n; o++) {
      const base = Math.floor(o / ng) * pg;
      for (let c = 0; c < pg; c++) {
        const i = order[base + c]!;
        for (let k = 0; k < kk; k++) data[(o * p + i) * kk + k] = grouped[(o * pg + c) * kk + k]!;
      }
    }
    return { data, dims: [n, p, ...groupedDims.slice(2)] };
  }
  const [G, ng, pg] = groupedDims as [number, number, number];
  const n = outputs;
  const data = new Float32Array(n * p);
  for (let g = 0; g < G; g++) {
    for (let c = 0; c < pg; c++) {
      const i = order[g * pg + c]!;
      for (let d = 0; d < ng; d++) {
        const o = g * ng + d;
        data[transposed ? i * n + o : o * p + i] = grouped[(g * ng + d) * pg + c]!;
      }
    }
  }
  return { data, dims: transposed ? [p, n] : [n, p] };
}
