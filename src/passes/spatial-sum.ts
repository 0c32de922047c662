import { emitReduce } from '../autodiff/emit-ops.js';
import { type NodeEmitter, nodeEmitter } from '../autodiff/emitter.js';
import { tensorValue } from '../onnx/tensor.js';
import type { ModelProto, NodeProto } from '../onnx/types.js';
import type { TensorInfo } from '../graph/tensor-meta.js';
import { type ConvParams, convParams, resolvedPads } from '../ops/shared/conv-geometry.js';
import { known, opContext, readerCounts, type ShapedModel, shapedResult } from './shaped-model.js';

/**
 * Largest tap-membership matrix (input positions x kernel taps) a Conv's spatial sum may use;
 * beyond it (large images with large kernels) the Conv runs and its output is reduced.
 */
const MAX_MEMBERSHIP_VALUES = 1 << 22;

/** How a spatial sum is computed: a ReduceSum of a tensor, a Sum of its parts' sums, or through a convolution. */
type SumPlan =
  | { readonly reduce: string; readonly rank: number }
  | { readonly parts: readonly SumPlan[] }
  | { readonly conv: NodeProto; readonly y: TensorInfo; readonly geo: ConvSumGeometry };

/** The model being rewritten: its producers, shapes and reader counts (kept current as nodes are added). */
interface SumContext {
  readonly model: ModelProto;
  readonly shapes: ReadonlyMap<string, TensorInfo>;
  readonly producer: ReadonlyMap<string, NodeProto>;
  readonly readers: Map<string, number>;
}

/**
 * How to sum `tensor` ([N, C, spatial...]) over its spatial axes. A tensor read by nothing
 * else, made by a Conv or ConvTranspose (group 1), need not be computed (see
 * spatialSumsThroughConvs); Identity, Sum and Add (no broadcasting) pass the sum on to their
 * inputs; anything else is reduced as it is.
 */
function plan(c: SumContext, tensor: string, rank: number): SumPlan {
  const info = c.shapes.get(tensor);
  const node = c.producer.get(tensor);
  if (!info || !node || (node.domain ?? '') !== '' || (c.readers.get(tensor) ?? 0) > 1) return { reduce: tensor, rank };
  const inputs = node.input.filter((t) => t);
  if (node.opType === 'Identity') return plan(c, node.input[0]!, rank); // Identity has input 0
  if ((node.opType === 'Sum' || node.opType === 'Add') && inputs.every((t) => sameDims(c.shapes.get(t), info))) return { parts: inputs.map((t) => plan(c, t, rank)) };
  const geo = node.opType === 'Conv' || node.opType === 'ConvTranspose' ? convGeometry(c, node, info) : undefined;
  if (geo) return { conv: node, y: info, geo };
  return { reduce: tensor, rank };
}

function emitPlan(e: NodeEmitter, c: SumContext, p: SumPlan, purpose: string): string {
  if ('reduce' in p) return emitReduce(e, e.opset, 'ReduceSum', p.reduce, Array.from({ length: p.rank - 2 }, (_, i) => i + 2), false, purpose);
  if ('conv' in p) return convSpatialSum(e, p.conv, p.geo, p.y, purpose);
  const sums = p.parts.map((part, i) => emitPlan(e, c, part, `${purpose}/${i}`));
  const [only] = sums;
  return sums.length === 1 && only !== undefined ? only : e.emitOne('Sum', sums, `${purpose}/sum`);
}

/** Is `axes` exactly the spatial axes of a rank-`rank` tensor? */
function spatialAxes(axes: readonly number[] | undefined, rank: number): boolean {
  return axes !== undefined && axes.length === rank - 2 && axes.every((a, i) => (a < 0 ? a + rank : a) === i + 2);
}

/**
 * Spatial sums ([N, C] = ReduceSum over the spatial axes, keepdims 0) of tensors that only the
 * sum reads, pushed through the Conv or ConvTranspose (group 1) that makes them, so that it
 * never runs: the sum of a convolution's output is linear in its input summed per (channel,
 * tap) over the positions where that tap lands inside the output (G = X [N*Ci, P] x M [P, K],
 * a constant 0/1 matrix M), then contracted with the weight (S = G [N, Ci*K] x W [Ci*K, Co]).
 * Through Identity, Sum and Add too. Pays where the Conv is dear: Grad-CAM needs only the
 * spatial means of its earliest layer's gradient, whose last input-gradient Conv (ResNet-18: a
 * stride-2 ConvTranspose at 56x56) was the dearest node of the backward pass; two small GEMMs
 * replace it (with the other Grad-CAM rewrites, batch 8: 259.6 -> 245.3 ms over 26
 * alternations, README; commit f033a89). The convolutions left unread go with withoutDeadNodes.
 */
export function spatialSumsThroughConvs(m: ShapedModel): ShapedModel {
  const { model, shapes } = m;
  const producer = new Map<string, NodeProto>();
  for (const n of model.graph.node) for (const o of n.output) if (o) producer.set(o, n);
  const c: SumContext = { model, shapes, producer, readers: readerCounts(model) };
  const e = nodeEmitter(model);
  const replaced = new Map<NodeProto, NodeProto[]>();
  for (const node of model.graph.node) {
    if (node.opType !== 'ReduceSum' || (node.domain ?? '') !== '' || !node.input[0]) continue;
    const ctx = opContext(model, node);
    const rank = shapes.get(node.input[0])?.shape.length ?? 0;
    const axes = ctx.opset >= 13 ? constInts(model, node.input[1]) : ctx.attrs.ints('axes');
    if (rank < 3 || ctx.attrs.int('keepdims', 1) !== 0 || !spatialAxes(axes, rank)) continue;
    const p = plan(c, node.input[0], rank);
    if ('reduce' in p && p.reduce === node.input[0]) continue;
    const nodes = e.capture(() => emitPlan(e, c, p, node.name || node.output[0]!)); // a node without a name has its output 0
    const last = nodes.pop()!; // emitPlan emits at least one node
    nodes.push({ ...last, output: [...node.output] });
    for (const n of nodes) for (const t of new Set(n.input)) c.readers.set(t, (c.readers.get(t) ?? 0) + 1);
    replaced.set(node, nodes);
  }
  return shapedResult(m, replaced.size ? e.replaceIn(model, replaced) : model, e);
}

function constInts(model: ModelProto, name: string | undefined): number[] | undefined {
  const t = name ? model.graph.initializer.find((i) => i.name === name) : undefined;
  return t ? Array.from(tensorValue(t).data, Number) : undefined;
}

function sameDims(a: TensorInfo | undefined, b: TensorInfo): boolean {
  return a !== undefined && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
}

/** What a convolution's spatial sum needs, or undefined where it does not apply. */
interface ConvSumGeometry {
  readonly x: TensorInfo;
  readonly p: ConvParams;
  readonly pads: readonly number[];
}

function convGeometry(c: SumContext, node: NodeProto, y: TensorInfo): ConvSumGeometry | undefined {
  const transpose = node.opType === 'ConvTranspose';
  const x = c.shapes.get(node.input[0] ?? '');
  const w = c.shapes.get(node.input[1] ?? '');
  if (!known(x) || !known(w) || !known(y) || x.dtype !== 'float32' || w.dtype !== 'float32' || y.dtype !== 'float32') return undefined;
  const ctx = opContext(c.model, node);
  const p = convParams(ctx, x.shape, w.shape.slice(2));
  if (p.group !== 1) return undefined;
  // A ConvTranspose's pads are plain only without auto_pad and output_shape.
  if (transpose && (p.autoPad !== 'NOTSET' || ctx.attrs.has('output_shape'))) return undefined;
  const positions = x.shape.slice(2).reduce((a, b) => a * b, 1);
  const taps = p.kernel.reduce((a, b) => a * b, 1);
  if (positions * taps > MAX_MEMBERSHIP_VALUES) return undefined;
  return { x, p, pads: transpose ? p.pads : resolvedPads(x.shape.slice(2), y.shape.slice(2), p) };
}

/** The [N, Co] spatial sums of a group-1 Conv's or ConvTranspose's output `y`, from its input and weight. */
function convSpatialSum(e: NodeEmitter, node: NodeProto, geo: ConvSumGeometry, y: TensorInfo, purpose: string): string {
  // Bounds: axis, a < rank, the length of the geometry's strides and dilations, of spatialOut and the unravelled indices; pads has 2 rank entries; y is [N, Co, ...]; a Conv has inputs 0 and 1.
  const transpose = node.opType === 'ConvTranspose';
  const { x, p, pads } = geo;
  const spatialIn = x.shape.slice(2);
  const spatialOut = y.shape.slice(2);
  const rank = spatialIn.length;
  const positions = spatialIn.reduce((a, b) => a * b, 1);
  const taps = p.kernel.reduce((a, b) => a * b, 1);
  const [n, ci] = x.shape as [number, number];
  const co = y.shape[1]!;

  // M[pos, tap] = 1 where input position pos meets kernel tap `tap` at some output position
  // (per axis: Conv reads x[q*s + t*d - pad], ConvTranspose writes y[p*s + t*d - pad]).
  const hits = (axis: number, pos: number, tap: number): boolean => {
    // Bounds: axis < rank, the length of the geometry's strides and dilations and of spatialOut; pads has 2 rank.
    const s = p.strides[axis]!;
    const shift = tap * p.dilations[axis]! - pads[axis]!;
    const out = spatialOut[axis]!;
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
      for (let a = 0; a < rank && all; a++) all = hits(a, posIdx[a]!, tapIdx[a]!);
      if (all) m[pos * taps + tap] = 1;
    }
  }
  const shape = (purposeOf: string, dims: readonly number[]) => e.constant(`${purpose}/${purposeOf}_shape`, 'int64', [dims.length], dims);
  const rows = e.emitOne('Reshape', [node.input[0]!, shape('x_rows', [n * ci, positions])], `${purpose}/x_rows`);
  const perTap = e.emitOne('MatMul', [rows, e.constant(`${purpose}/tap_membership`, 'float32', [positions, taps], m)], `${purpose}/per_tap`);
  const gm = e.emitOne('Reshape', [perTap, shape('per_tap_rows', [n, ci * taps])], `${purpose}/per_tap_rows`);
  // Conv: W [Co, Ci, k...] is [Co, Ci*K] (transB). ConvTranspose: W [Ci, Co, k...] to [Ci*K, Co].
  let wm: string;
  if (transpose) {
    const w3 = e.emitOne('Reshape', [node.input[1]!, shape('w3', [ci, co, taps])], `${purpose}/w3`);
    const wt = e.emitOne('Transpose', [w3], `${purpose}/w_taps`, { perm: [0, 2, 1] });
    wm = e.emitOne('Reshape', [wt, shape('w_matrix', [ci * taps, co])], `${purpose}/w_matrix`);
  } else {
    wm = e.emitOne('Reshape', [node.input[1]!, shape('w_matrix', [co, ci * taps])], `${purpose}/w_matrix`);
  }
  const bias = node.input[2];
  // A bias adds b[co] at each output position.
  const biasSum = bias ? [e.emitOne('Mul', [bias, e.constant(`${purpose}/positions`, 'float32', [], [spatialOut.reduce((a, b) => a * b, 1)])], `${purpose}/bias_sum`)] : [];
  return e.emitOne('Gemm', [gm, wm, ...biasSum], purpose, transpose ? {} : { transB: 1 });
}

/** Row-major multi-index of `flat` in `dims`, written into `out`. */
function unravel(flat: number, dims: readonly number[], out: number[]): void {
  // Bounds: a < out.length = dims.length (the caller's index for these dims).
  for (let a = dims.length - 1; a >= 0; a--) {
    out[a] = flat % dims[a]!;
    flat = Math.floor(flat / dims[a]!);
  }
}
