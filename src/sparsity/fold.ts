import type { Graph } from '../graph/graph.js';
import { graphFromModel } from '../graph/graph.js';
import { Attrs } from '../graph/attributes.js';
import { InternalError } from '../errors.js';
import { makeTensor, tensorValue } from '../onnx/tensor.js';
import type { ModelProto, TensorProto } from '../onnx/types.js';
import type { FoldedPermutation, SparseLayerRecord } from './metadata.js';

/**
 * Folding a structured layer's input permutation into the layer that computes its input, so
 * that no Gather runs at inference.
 *
 * A structured layer reads x[:, order] (channels, or features on the last axis). When x comes
 * from a dense Conv / Gemm / MatMul with constant weights through ops that act on each channel
 * alone (ReLU, BatchNormalization, pooling: f(x)[:, order] = f'(x[:, order]) with f's
 * per-channel parameters permuted alike), permuting that producer's output channels (its
 * weight rows and bias) and the per-channel parameters on the way yields x[:, order] directly.
 * Every tensor on the way must be read by the next op only and not be a graph output: nothing
 * else may see the new channel order. Hidden channel labels are arbitrary, so the model
 * computes the same function; densify undoes the permutation from the record.
 *
 * Between two structured layers the permutation stays a Gather: a grouped layer's output
 * channels cannot be reordered across its groups, and a permutation within groups would join
 * each group of the next layer to one group of this one (separate towers, as ShuffleNet's
 * channel shuffle exists to avoid).
 */

/** Ops that act on each element alone: they commute with any permutation of any axis. */
const ELEMENTWISE = new Set(['Relu', 'LeakyRelu', 'Elu', 'Selu', 'Sigmoid', 'Tanh', 'HardSigmoid', 'HardSwish', 'Softplus', 'Identity', 'Clip', 'Dropout']);
/** Ops that act on each channel (axis 1) alone: they commute with a permutation of channels. */
const PER_CHANNEL = new Set(['BatchNormalization', 'MaxPool', 'AveragePool', 'LpPool']);

interface Axis {
  readonly name: string;
  readonly axis: number;
}

function uniqueReaders(g: Graph, t: string): number[] {
  return [...new Set(g.consumers.get(t) ?? [])];
}

/** Initializer `t` read by node `i` alone, or undefined. */
function ownConstant(g: Graph, t: string | undefined, i: number): TensorProto | undefined {
  if (!t) return undefined;
  const init = g.initializers.get(t);
  const readers = uniqueReaders(g, t);
  return init && readers.length === 1 && readers[0] === i ? init : undefined;
}

/** The extra outputs of node `i` (Dropout's mask, MaxPool's indices) are unused. */
function firstOutputOnly(g: Graph, i: number): boolean {
  return g.nodes[i]!.output.slice(1).every((o) => !o || uniqueReaders(g, o).length === 0); // i is a node of the graph
}

/** What a channel-wise op on the way permutes (its per-channel parameters), or undefined if it cannot pass. */
function passThrough(g: Graph, i: number, channelsFirst: boolean): Axis[] | undefined {
  const node = g.nodes[i]!; // i is a node of the graph
  if (node.domain && node.domain !== 'ai.onnx') return undefined;
  if (!firstOutputOnly(g, i)) return undefined;
  if (ELEMENTWISE.has(node.opType)) {
    // Clip's bounds and Dropout's ratio are scalars: nothing to permute, but they must be.
    const scalars = node.input.slice(1).every((t) => !t || (g.initializers.get(t)?.dims.length ?? 1) === 0);
    return scalars ? [] : undefined;
  }
  if (!channelsFirst || !PER_CHANNEL.has(node.opType)) return undefined;
  if (node.opType !== 'BatchNormalization') return [];
  const params = node.input.slice(1, 5);
  if (params.length !== 4 || !params.every((t) => ownConstant(g, t, i)?.dims.length === 1)) return undefined;
  return params.map((name) => ({ name, axis: 0 }));
}

/** The tensors of a dense producer that hold its output channels, or undefined if it cannot take the permutation. */
function producerAxes(g: Graph, i: number, channelsFirst: boolean, outputs: number): Axis[] | undefined {
  const node = g.nodes[i]!; // i is a node of the graph
  if (node.domain && node.domain !== 'ai.onnx') return undefined;
  const attrs = new Attrs(node);
  const weight = ownConstant(g, node.input[1], i);
  if (!weight) return undefined;
  const bias = node.input[2] ? ownConstant(g, node.input[2], i) : undefined;
  if (node.input[2] && !bias) return undefined;
  const out: Axis[] = [];
  if (node.opType === 'Conv' && channelsFirst) {
    if (attrs.int('group', 1) !== 1 || Number(weight.dims[0]) !== outputs) return undefined;
    out.push({ name: weight.name, axis: 0 });
    if (bias) out.push({ name: bias.name, axis: 0 });
    return out;
  }
  if ((node.opType === 'Gemm' || node.opType === 'MatMul') && !channelsFirst && weight.dims.length === 2) {
    if (node.opType === 'Gemm' && attrs.int('transA', 0) !== 0) return undefined;
    const axis = node.opType === 'Gemm' && attrs.int('transB', 0) === 1 ? 0 : 1;
    if (Number(weight.dims[axis]) !== outputs) return undefined;
    out.push({ name: weight.name, axis });
    if (bias) {
      // C broadcasts over the rows: [n] or [1, n] is permuted, a scalar or [1] is not.
      const last = Number(bias.dims[bias.dims.length - 1] ?? 1);
      if (last === outputs) out.push({ name: bias.name, axis: bias.dims.length - 1 });
      else if (last !== 1) return undefined;
    }
    return out;
  }
  return undefined;
}

/** `t` with axis `axis` reordered: new index k holds old index order[k] (or the inverse). */
export function permuteAxis(t: TensorProto, axis: number, order: readonly number[], inverse = false): TensorProto {
  // Bounds: axis < dims.length (callers pass an axis of t), order has size entries (checked) and holds indices < size, so every offset is inside the data.
  const v = tensorValue(t);
  const dims = v.dims;
  const size = dims[axis]!;
  if (size !== order.length) throw new InternalError(`permuteAxis: axis ${axis} of "${t.name}" has ${size} entries, the order ${order.length}`);
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = dims.slice(0, axis).reduce((a, b) => a * b, 1);
  const out = new Array<number>(v.data.length);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < size; k++) {
      const [to, from] = inverse ? [order[k]!, k] : [k, order[k]!];
      for (let e = 0; e < inner; e++) out[(o * size + to) * inner + e] = v.data[(o * size + from) * inner + e]!;
    }
  }
  return makeTensor(t.name, v.dtype, dims, out);
}

/** The model with the named initializers permuted along their axes by `order` (or its inverse). */
export function permuteInitializers(model: ModelProto, tensors: readonly Axis[], order: readonly number[], inverse = false): ModelProto {
  const byName = new Map(tensors.map((a) => [a.name, a.axis]));
  const initializer = model.graph.initializer.map((t) => {
    const axis = byName.get(t.name);
    return axis === undefined ? t : permuteAxis(t, axis, order, inverse);
  });
  return { ...model, graph: { ...model.graph, initializer } };
}

/**
 * Folds structured layer `r`'s input permutation into the dense layer that computes its input,
 * when one does (see the file comment): the Gather goes, the producer's weights and the
 * per-channel parameters on the way are permuted, and the record says so. Undefined when the
 * input does not come from such a layer through such ops alone.
 */
export function foldPermutation(model: ModelProto, r: SparseLayerRecord, others: readonly SparseLayerRecord[]): { model: ModelProto; record: SparseLayerRecord } | undefined {
  // Bounds: gather and entry were found (>= 0, checked), p is a producer from the graph, and the nodes on the way (Gather, pass-through ops) have their input 0 and output 0; r.input and r.permutation were checked at the top.
  if (r.form !== 'structured' || !r.permutation || !r.input || !r.nodes) return undefined;
  const g = graphFromModel(model);
  // The Gather that permutes, and the layer's first node (the Gather itself for a Conv, the
  // Transpose that puts the features first for a Gemm/MatMul), which reads the input.
  const gather = g.nodes.findIndex((n) => n.opType === 'Gather' && n.input[1] === r.permutation && r.nodes?.includes(n.name));
  const entry = g.nodes.findIndex((n) => n.input.includes(r.input!) && r.nodes?.includes(n.name));
  if (gather < 0 || entry < 0) return undefined;
  const orderTensor = g.initializers.get(r.permutation);
  if (!orderTensor) return undefined;
  const order = Array.from(tensorValue(orderTensor).data, Number);
  const channelsFirst = r.op === 'Conv';
  const outputs = new Set(g.outputs.map((o) => o.name));
  const sparseNodes = new Set(others.flatMap((o) => [o.node, ...(o.nodes ?? []), ...(o.folded ? [o.folded.node] : [])]));
  const tensors: Axis[] = [];
  let t = r.input;
  let reader = entry;
  for (;;) {
    const readers = uniqueReaders(g, t);
    if (outputs.has(t) || readers.length !== 1 || readers[0] !== reader) return undefined;
    const p = g.producer.get(t);
    if (p === undefined) return undefined;
    const name = g.nodeNames[p]!;
    if (sparseNodes.has(name)) return undefined;
    const through = passThrough(g, p, channelsFirst);
    if (through) {
      tensors.push(...through);
      reader = p;
      t = g.nodes[p]!.input[0]!;
      continue;
    }
    const own = producerAxes(g, p, channelsFirst, order.length);
    if (!own) return undefined;
    tensors.push(...own);
    const permuted = permuteInitializers(model, tensors, order);
    const gatherNode = g.nodes[gather]!;
    const [gathered, source] = [gatherNode.output[0]!, gatherNode.input[0]!];
    const node = permuted.graph.node
      .filter((n) => n !== gatherNode)
      .map((n) => (n.input.includes(gathered) ? { ...n, input: n.input.map((x) => (x === gathered ? source : x)) } : n));
    const stillRead = node.some((n) => n.input.includes(r.permutation!));
    const initializer = stillRead ? permuted.graph.initializer : permuted.graph.initializer.filter((x) => x.name !== r.permutation);
    const folded: FoldedPermutation = { node: name, tensors };
    const { permutation: _dropped, ...rest } = r;
    const record: SparseLayerRecord = { ...rest, order, folded, nodes: r.nodes.filter((n) => n !== gatherNode.name) };
    return { model: { ...permuted, graph: { ...permuted.graph, node, initializer } }, record };
  }
}
