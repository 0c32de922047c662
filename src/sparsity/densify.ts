import { BadModelError } from '../errors.js';
import { nodeAttribute } from '../graph/builder.js';
import { graphFromModel } from '../graph/graph.js';
import { makeTensor, numelOf, tensorValue } from '../onnx/tensor.js';
import type { ModelProto, NodeProto, TensorProto } from '../onnx/types.js';
import { unpackWeight } from './compact.js';
import { presentRecords, type SparseLayerRecord, withRecords } from './metadata.js';
import { permuteInitializers } from './fold.js';
import { denseFromStructured } from './structured.js';

function initializerOf(model: ModelProto, name: string | undefined, layer: string): TensorProto {
  const t = model.graph.initializer.find((i) => i.name === name);
  if (!t) throw new BadModelError(`sparse layer "${layer}": its initializer "${name}" is missing`);
  return t;
}

/** The nodes that compute tensor `t` from constants alone: a compact layer's expansion. */
function constantAncestors(nodes: readonly NodeProto[], t: string, layer: string): Set<NodeProto> {
  const producer = new Map<string, NodeProto>();
  for (const n of nodes) for (const o of n.output) producer.set(o, n);
  const found = new Set<NodeProto>();
  const stack = [t];
  while (stack.length) {
    const p = producer.get(stack.pop()!); // popped only while not empty
    if (!p || found.has(p)) continue;
    found.add(p);
    stack.push(...p.input.filter(Boolean));
  }
  if (found.size === 0) throw new BadModelError(`sparse layer "${layer}": no node computes its weight "${t}"`);
  return found;
}

/** A compact layer: its expansion nodes go, its weight becomes a dense initializer again. */
function densifyCompact(model: ModelProto, r: SparseLayerRecord): { drop: Set<NodeProto>; add: NodeProto[]; weight: TensorProto } {
  const values = tensorValue(initializerOf(model, r.values, r.node));
  const bits = tensorValue(initializerOf(model, r.mask, r.node)).data;
  const blockSize = values.dims[1] ?? 1;
  const connections = numelOf(r.weightDims) / blockSize;
  if (!Number.isInteger(connections) || bits.length * 8 < connections) throw new BadModelError(`sparse layer "${r.node}": mask and values do not fit its weight [${r.weightDims.join(', ')}]`);
  const data = unpackWeight(values.data, Uint8Array.from(bits), connections, blockSize);
  return { drop: constantAncestors(model.graph.node, r.weight, r.node), add: [], weight: makeTensor(r.weight, 'float32', r.weightDims, data) };
}

/**
 * The order a folded layer reads its input in, once densify has undone the fold: the
 * original (identity positions map through `order`) when the producer is in the model, else
 * (a tail cut off from it) the input as it arrives, already permuted: the identity.
 */
function foldedOrder(model: ModelProto, r: SparseLayerRecord): number[] {
  const order = r.order!; // a folded structured record has its order (checkRecord)
  return model.graph.node.some((n) => n.name === r.folded?.node) ? [...order] : order.map((_, k) => k);
}

/** A structured layer: its permutation, grouped product and reshapes become the dense op. */
function densifyStructured(model: ModelProto, r: SparseLayerRecord): { drop: Set<NodeProto>; add: NodeProto[]; weight: TensorProto } {
  const names = new Set(r.nodes);
  const drop = new Set(model.graph.node.filter((n) => names.has(n.name)));
  const layer = [...drop].find((n) => n.name === r.node);
  if (!layer || drop.size !== names.size) throw new BadModelError(`sparse layer "${r.node}": the nodes its record names are not all in the model`);
  const grouped = tensorValue(initializerOf(model, r.weight, r.node));
  const order = r.folded ? foldedOrder(model, r) : Array.from(tensorValue(initializerOf(model, r.permutation, r.node)).data, Number);
  const { data, dims } = denseFromStructured(r.op === 'Conv', r.transposed ?? false, grouped.data, grouped.dims, r.outputs, order);
  // a structured record names its input and output (checkRecord requires both for the structured form)
  const input = r.input!;
  const output = r.output!; // as above
  let node: NodeProto;
  if (r.op === 'Conv') {
    node = { ...layer, input: [input, r.weight, ...layer.input.slice(2)], output: [output], attribute: layer.attribute.filter((a) => a.name !== 'group') };
  } else if (r.op === 'Gemm') {
    // alpha and beta were folded into the weight and the bias.
    const attribute = r.transposed ? [] : [nodeAttribute('transB', 1)];
    node = { name: r.node, opType: 'Gemm', domain: '', input: [input, r.weight, ...(r.bias ? [r.bias] : [])], output: [output], attribute };
  } else {
    node = { name: r.node, opType: 'MatMul', domain: '', input: [input, r.weight], output: [output], attribute: [] };
  }
  return { drop, add: [node], weight: makeTensor(r.weight, 'float32', dims, data) };
}

/**
 * The masked dense equivalent of a sparse model: every sparse layer is again a plain Conv /
 * Gemm / MatMul reading a dense weight, zero where its mask drops a connection. Names are
 * kept; the sparsity metadata goes. What a sparse model computes equals what this computes.
 */
export function densify(model: ModelProto): ModelProto {
  const records = presentRecords(model);
  // Folded permutations first: the producers' channels go back to their own order.
  let unfolded = model;
  for (const r of records) {
    if (!r.folded || !model.graph.node.some((n) => n.name === r.folded?.node)) continue;
    for (const t of r.folded.tensors) initializerOf(unfolded, t.name, r.node);
    unfolded = permuteInitializers(unfolded, r.folded.tensors, r.order!, true); // a folded record has its order (checkRecord)
  }
  let nodes = [...unfolded.graph.node];
  let initializers = [...unfolded.graph.initializer];
  for (const r of records) {
    const current = { ...model, graph: { ...model.graph, node: nodes, initializer: initializers } };
    const { drop, add, weight } = r.form === 'compact' ? densifyCompact(current, r) : densifyStructured(current, r);
    const at = nodes.findIndex((n) => drop.has(n));
    const kept = nodes.filter((n) => !drop.has(n));
    kept.splice(Math.min(at, kept.length), 0, ...add);
    nodes = kept;
    const released = new Set([...drop].flatMap((n) => n.input));
    const read = new Set(nodes.flatMap((n) => n.input));
    initializers = [...initializers.filter((t) => t.name !== weight.name && (read.has(t.name) || !released.has(t.name))), weight];
  }
  const out = withRecords({ ...model, graph: { ...model.graph, node: nodes, initializer: initializers } }, []);
  graphFromModel(out);
  return out;
}
