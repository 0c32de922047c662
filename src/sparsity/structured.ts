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
  return j.transposed ? (o, i) => w[i * n + o] as number : (o, i, k) => w[(o * p + i) * kk + k] as number;
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
 * Rewrites junction `j` with mask `m`. The data is first permuted (a Gather of the channel
 * axis, so that each group's inputs are contiguous), then:
 * - Conv: the same Conv with group = G and weight W'[o, c] = W[o, order[g(o)·p/G + c]];
 * - Gemm/MatMul: x [..., p] -> [..., G, p/G] -> (G first) [G, ..., p/G] @ W' [G, 1.., p/G, n/G]
 *   -> [G, ..., n/G] -> (G back) [..., G, n/G] -> [..., n] (+ beta·C), with
 *   W'[g, c, d] = alpha·W[g·n/G + d, order[g·p/G + c]]: G products of (rows x p/G) @ (p/G x n/G),
 *   1/G of the FLOPs. Moving G to the front makes each group one matrix product over all rows
 *   (the batch); leaving it inside ([..., G, 1, p/G] @ W') costs rows·G products of one row,
 *   which ONNX Runtime ran 6x slower than the dense Gemm at batch 256 (bench/sparsity/mlp).
 * The layer's node keeps its name (the Conv, or the MatMul); the output tensor keeps its name.
 */
export function structuredGraph(names: Names, j: Junction, m: StructuredMask, inputRank: number, biasTensor: TensorProto | undefined): StructuredLayer {
  const { node, name, weight, outputs: n, channels: p, kernel: kk } = j;
  const G = m.groups;
  const [pg, ng] = [p / G, n / G];
  const w = weightAt(j, tensorValue(j.weightTensor).data);
  const input = node.input[0] as string;
  const output = node.output[0] as string;
  const attrs = new Attrs(node);
  const permutation = names.tensor(`${name}/permutation`);
  const initializers: TensorProto[] = [makeTensor(permutation, 'int64', [p], m.order)];
  const permuted = names.tensor(`${name}/permuted`);
  const nodes: NodeProto[] = [names.make(`${name}/permute`, 'Gather', [input, permutation], [permuted], { axis: j.op === 'Conv' ? 1 : -1 })];
  if (j.op === 'Conv') {
    const data = new Float32Array(n * pg * kk);
    for (let o = 0; o < n; o++) {
      const base = Math.floor(o / ng) * pg;
      for (let c = 0; c < pg; c++) for (let k = 0; k < kk; k++) data[(o * pg + c) * kk + k] = w(o, m.order[base + c] as number, k);
    }
    initializers.push(makeTensor(weight, 'float32', [n, pg, ...j.weightDims.slice(2)], data));
    const attribute = [...node.attribute.filter((a) => a.name !== 'group'), nodeAttribute('group', G)];
    nodes.push({ ...node, name, input: [permuted, weight, ...node.input.slice(2)], attribute });
    return { nodes, initializers, removed: [weight], released: [], permutation, input, output };
  }
  const alpha = j.op === 'Gemm' ? attrs.float('alpha', 1) : 1;
  const data = new Float32Array(G * pg * ng);
  for (let g = 0; g < G; g++) {
    for (let c = 0; c < pg; c++) {
      for (let d = 0; d < ng; d++) data[(g * pg + c) * ng + d] = alpha * w(g * ng + d, m.order[g * pg + c] as number, 0);
    }
  }
  // Rank r input [lead..., p]: the groups axis sits at r - 1 after the split; the product
  // broadcasts the weight over the r - 2 lead axes other than the first.
  const lead = inputRank - 1;
  initializers.push(makeTensor(weight, 'float32', [G, ...new Array<number>(lead - 1).fill(1), pg, ng], data));
  const keepDims = new Array<number>(lead).fill(0);
  const shape = (what: string, dims: readonly number[]): string => {
    const t = names.tensor(`${name}/${what}`);
    initializers.push(makeTensor(t, 'int64', [dims.length], dims));
    return t;
  };
  const axes = Array.from({ length: lead }, (_, i) => i);
  const split = names.tensor(`${name}/groups`);
  nodes.push(names.make(`${name}/split`, 'Reshape', [permuted, shape('split_shape', [...keepDims, G, pg])], [split]));
  const front = names.tensor(`${name}/groups_first`);
  nodes.push(names.make(`${name}/groups_first`, 'Transpose', [split], [front], { perm: [lead, ...axes, lead + 1] }));
  const grouped = names.tensor(`${name}/grouped`);
  nodes.push({ name, opType: 'MatMul', domain: '', input: [front, weight], output: [grouped], attribute: [] });
  const back = names.tensor(`${name}/groups_back`);
  nodes.push(names.make(`${name}/groups_back`, 'Transpose', [grouped], [back], { perm: [...axes.map((a) => a + 1), 0, lead + 1] }));
  const c = j.op === 'Gemm' ? node.input[2] : undefined;
  const merged = c ? names.tensor(`${name}/merged`) : output;
  nodes.push(names.make(`${name}/merge`, 'Reshape', [back, shape('merge_shape', [...keepDims, n])], [merged]));
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
  nodes.push(names.make(`${name}/bias`, 'Add', [merged, bias], [output]));
  return { nodes, initializers, removed, released, permutation, input, output, bias };
}

/**
 * The dense masked weight of a structured layer, laid out as the dense op stored it (Conv
 * [n, p, k...]; Gemm/MatMul [n, p], or [p, n] when `transposed`): the inverse of structuredGraph.
 */
export function denseFromStructured(conv: boolean, transposed: boolean, grouped: ArrayLike<number>, groupedDims: readonly number[], outputs: number, order: readonly number[]): { data: Float32Array; dims: number[] } {
  const p = order.length;
  if (conv) {
    const [n, pg] = groupedDims as [number, number];
    const kk = numelOf(groupedDims.slice(2));
    const ng = n / (p / pg);
    const data = new Float32Array(n * p * kk);
    for (let o = 0; o < n; o++) {
      const base = Math.floor(o / ng) * pg;
      for (let c = 0; c < pg; c++) {
        const i = order[base + c] as number;
        for (let k = 0; k < kk; k++) data[(o * p + i) * kk + k] = grouped[(o * pg + c) * kk + k] as number;
      }
    }
    return { data, dims: [n, p, ...groupedDims.slice(2)] };
  }
  // [G, 1.., p/G, n/G]: the unit axes broadcast over an input's lead axes.
  const [G, pg, ng] = [groupedDims[0], groupedDims[groupedDims.length - 2], groupedDims[groupedDims.length - 1]] as [number, number, number];
  const n = outputs;
  const data = new Float32Array(n * p);
  for (let g = 0; g < G; g++) {
    for (let c = 0; c < pg; c++) {
      const i = order[g * pg + c] as number;
      for (let d = 0; d < ng; d++) {
        const o = g * ng + d;
        data[transposed ? i * n + o : o * p + i] = grouped[(g * pg + c) * ng + d] as number;
      }
    }
  }
  return { data, dims: transposed ? [p, n] : [n, p] };
}
