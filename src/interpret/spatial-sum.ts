import { nodeContext } from '../analysis/infer.js';
import type { BackwardEmitter } from '../autodiff/node-grad-context.js';
import { emitReduce } from '../autodiff/emit-ops.js';
import { type Graph, graphFromModel } from '../graph/graph.js';
import type { ModelProto, NodeProto } from '../onnx/types.js';
import type { TensorInfo } from '../graph/tensor-meta.js';
import { convParams, resolvedPads } from '../ops/shared/conv-geometry.js';

/**
 * Largest tap-membership matrix (input positions x kernel taps) a Conv's spatial sum may use;
 * beyond it (large images with large kernels) the Conv runs and its output is reduced.
 */
const MAX_MEMBERSHIP_VALUES = 1 << 22;

/** Where a spatial sum reads the graph it is built on: shapes and uses of its tensors. */
export interface SpatialSumGraph {
  readonly graph: Graph;
  readonly shapes: ReadonlyMap<string, TensorInfo>;
  /** how many nodes (or graph outputs) read a tensor, in the model being built */
  uses(tensor: string): number;
}

/**
 * The sums over the spatial axes of `tensor` ([N, C, spatial...]) as a [N, C] tensor, emitted
 * on `e`. A tensor read by nothing else, made by a Conv or ConvTranspose (group 1), is never
 * computed: the sum of a convolution's output is linear in its input summed per (channel, tap)
 * over the positions where that tap lands inside the output (G = X [N*Ci, P] x M [P, K], a
 * constant 0/1 matrix M), then contracted with the weight (S = G [N, Ci*K] x W [Ci*K, Co]).
 * Grad-CAM needs only the spatial means of its earliest layer's gradient, whose last input
 * gradient Conv (ResNet-18: a stride-2 ConvTranspose at 56x56) was the dearest node of the
 * backward pass; these two small GEMMs replace it. Identity, Sum and Add (no broadcasting)
 * pass the sum on to their inputs; anything else is reduced as it is.
 */
export function emitSpatialSum(e: BackwardEmitter, g: SpatialSumGraph, opset: number, tensor: string, purpose: string): string {
  const info = g.shapes.get(tensor);
  if (!info || info.shape.length < 3) throw new Error(`spatial sum of "${tensor}": shape unknown or without spatial axes`);
  const index = g.graph.producer.get(tensor);
  const node = index === undefined ? undefined : g.graph.nodes[index];
  if (node && index !== undefined && (node.domain ?? '') === '' && g.uses(tensor) <= 1) {
    const inputs = node.input.filter((t) => t);
    const sameShape = inputs.every((t) => sameDims(g.shapes.get(t), info));
    if (node.opType === 'Identity') return emitSpatialSum(e, g, opset, node.input[0] as string, purpose);
    if ((node.opType === 'Sum' || node.opType === 'Add') && sameShape) {
      const parts = inputs.map((t, i) => emitSpatialSum(e, g, opset, t, `${purpose}/${i}`));
      return parts.length === 1 ? parts[0] as string : e.emit('Sum', parts, 1, `${purpose}/sum`)[0] as string;
    }
    if (node.opType === 'Conv' || node.opType === 'ConvTranspose') {
      const sum = convSpatialSum(e, g, node, index, info, purpose);
      if (sum !== undefined) return sum;
    }
  }
  const axes = info.shape.slice(2).map((_, i) => i + 2);
  return emitReduce(e, opset, 'ReduceSum', tensor, axes, false, purpose);
}

function sameDims(a: TensorInfo | undefined, b: TensorInfo): boolean {
  return a !== undefined && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
}

const known = (t: TensorInfo | undefined): t is TensorInfo => t !== undefined && t.shape.every((d) => Number.isInteger(d) && d > 0);

/** The [N, Co] spatial sums of a group-1 Conv's or ConvTranspose's output, or undefined where this does not apply. */
function convSpatialSum(e: BackwardEmitter, g: SpatialSumGraph, node: NodeProto, index: number, y: TensorInfo, purpose: string): string | undefined {
  const transpose = node.opType === 'ConvTranspose';
  const x = g.shapes.get(node.input[0] ?? '');
  const w = g.shapes.get(node.input[1] ?? '');
  if (!known(x) || !known(w) || !known(y) || x.dtype !== 'float32' || w.dtype !== 'float32' || y.dtype !== 'float32') return undefined;
  const ctx = nodeContext(g.graph, node, index);
  const spatialIn = x.shape.slice(2);
  const spatialOut = y.shape.slice(2);
  const p = convParams(ctx, x.shape, w.shape.slice(2));
  if (p.group !== 1) return undefined;
  // A ConvTranspose's pads are plain only without auto_pad and output_shape.
  if (transpose && (p.autoPad !== 'NOTSET' || ctx.attrs.has('output_shape'))) return undefined;
  const pads = transpose ? p.pads : resolvedPads(spatialIn, spatialOut, p);
  const rank = spatialIn.length;
  const positions = spatialIn.reduce((a, b) => a * b, 1);
  const taps = p.kernel.reduce((a, b) => a * b, 1);
  if (positions * taps > MAX_MEMBERSHIP_VALUES) return undefined;
  const [n, ci] = x.shape as [number, number];
  const co = y.shape[1] as number;

  // M[pos, tap] = 1 where input position pos meets kernel tap `tap` at some output position
  // (per axis: Conv reads x[q*s + t*d - pad], ConvTranspose writes y[p*s + t*d - pad]).
  const hits = (axis: number, pos: number, tap: number): boolean => {
    const s = p.strides[axis] as number;
    const shift = tap * (p.dilations[axis] as number) - (pads[axis] as number);
    const out = spatialOut[axis] as number;
    if (transpose) {
      const q = pos * s + shift;
      return q >= 0 && q < out;
    }
    const qs = pos - shift;
    return qs >= 0 && qs % s === 0 && qs / s < out;
  };
  const m = new Float32Array(positions * taps);
  const posIdx = new Array<number>(rank).fill(0);
  const tapIdx = new Array<number>(rank).fill(0);
  for (let pos = 0; pos < positions; pos++) {
    unravel(pos, spatialIn, posIdx);
    for (let tap = 0; tap < taps; tap++) {
      unravel(tap, p.kernel, tapIdx);
      let all = true;
      for (let a = 0; a < rank && all; a++) all = hits(a, posIdx[a] as number, tapIdx[a] as number);
      if (all) m[pos * taps + tap] = 1;
    }
  }
  const shape = (purposeOf: string, dims: readonly number[]) => e.constant(`${purpose}/${purposeOf}_shape`, 'int64', [dims.length], dims);
  const rows = e.emit('Reshape', [node.input[0] as string, shape('x_rows', [n * ci, positions])], 1, `${purpose}/x_rows`)[0] as string;
  const perTap = e.emit('MatMul', [rows, e.constant(`${purpose}/tap_membership`, 'float32', [positions, taps], m)], 1, `${purpose}/per_tap`)[0] as string;
  const gm = e.emit('Reshape', [perTap, shape('per_tap_rows', [n, ci * taps])], 1, `${purpose}/per_tap_rows`)[0] as string;
  // Conv: W [Co, Ci, k...] is [Co, Ci*K] (transB). ConvTranspose: W [Ci, Co, k...] to [Ci*K, Co].
  let wm: string;
  if (transpose) {
    const w3 = e.emit('Reshape', [node.input[1] as string, shape('w3', [ci, co, taps])], 1, `${purpose}/w3`)[0] as string;
    const wt = e.emit('Transpose', [w3], 1, `${purpose}/w_taps`, { perm: [0, 2, 1] })[0] as string;
    wm = e.emit('Reshape', [wt, shape('w_matrix', [ci * taps, co])], 1, `${purpose}/w_matrix`)[0] as string;
  } else {
    wm = e.emit('Reshape', [node.input[1] as string, shape('w_matrix', [co, ci * taps])], 1, `${purpose}/w_matrix`)[0] as string;
  }
  const bias = node.input[2];
  // A bias adds b[co] at each output position.
  const c = bias ? [e.emit('Mul', [bias, e.constant(`${purpose}/positions`, 'float32', [], [spatialOut.reduce((a, b) => a * b, 1)])], 1, `${purpose}/bias_sum`)[0] as string] : [];
  return e.emit('Gemm', [gm, wm, ...c], 1, purpose, transpose ? {} : { transB: 1 })[0] as string;
}

/** Row-major multi-index of `flat` in `dims`, written into `out`. */
function unravel(flat: number, dims: readonly number[], out: number[]): void {
  for (let a = dims.length - 1; a >= 0; a--) {
    out[a] = flat % (dims[a] as number);
    flat = Math.floor(flat / (dims[a] as number));
  }
}

/**
 * `model` without the nodes no graph output depends on (ONNX Runtime would run them), nor the
 * initializers only they read (an initializer that is also a graph input stays). A model with
 * subgraphs (If, Loop, Scan), which read outer tensors unnamed in their inputs, is left whole.
 */
export function withoutDeadNodes(model: ModelProto): ModelProto {
  const g = model.graph;
  if (g.node.some((n) => n.attribute.some((a) => a.g || (a.graphs?.length ?? 0) > 0))) return model;
  const needed = new Set(g.output.map((o) => o.name));
  const order = graphFromModel(model).nodes;
  const live = new Set<NodeProto>();
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i] as NodeProto;
    if (!node.output.some((o) => o && needed.has(o))) continue;
    live.add(node);
    for (const t of node.input) if (t) needed.add(t);
  }
  if (live.size === g.node.length) return model;
  const inputs = new Set(g.input.map((v) => v.name));
  return {
    ...model,
    graph: { ...g, node: g.node.filter((n) => live.has(n)), initializer: g.initializer.filter((t) => needed.has(t.name) || inputs.has(t.name)) },
  };
}
