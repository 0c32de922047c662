import { type NodeEmitter, nodeEmitter } from '../autodiff/emitter.js';
import { type Graph, graphFromModel } from '../graph/graph.js';
import { Attrs } from '../graph/attributes.js';
import type { TensorInfo } from '../graph/tensor-meta.js';
import type { NodeProto } from '../onnx/types.js';
import { type ShapedModel, shapedResult } from './shaped-model.js';

/** Ops ONNX Runtime cannot fold although their inputs are constant (no inputs, random). */
const NOT_FOLDED = new Set(['RandomNormal', 'RandomUniform', 'RandomNormalLike', 'RandomUniformLike', 'Multinomial', 'Bernoulli']);

/**
 * `Conv(dY * s, W)` with `s` a constant per-channel scale (inference BatchNormalization's input
 * gradient) becomes `Conv(dY, W * s)`, for Convs and ConvTransposes with constant weights (a
 * backward graph run with fixed weights: Grad-CAM). Pays wherever it applies: ONNX Runtime folds
 * `W * s` into a constant weight at load, which keeps the Conv eligible for its NCHWc kernels,
 * and one pass over the gradient disappears (with the other Grad-CAM rewrites, ResNet-18 at
 * batch 8: 259.6 -> 245.3 ms over 26 alternations, README; commit f033a89). (`Where(mask, dY,
 * 0)` for ReLU's `dY * Cast(mask)` was tried too: ORT's Where ran slower than Cast and Mul
 * together in the ResNet-18 Grad-CAM graph.) The Mul is left for withoutDeadNodes when nothing
 * else reads it.
 */
export function batchNormScalesIntoWeights(m: ShapedModel): ShapedModel {
  const { model, shapes } = m;
  const graph = graphFromModel(model);
  const constants = constantTensors(graph);
  const e = nodeEmitter(model);
  const replaced = new Map<NodeProto, NodeProto[]>();
  const readers = (t: string) => (graph.consumers.get(t) ?? []).map((i) => graph.nodes[i]!); // consumers hold node indices
  const isOutput = new Set(graph.outputs.map((o) => o.name));
  const single = (t: string) => readers(t).length === 1 && !isOutput.has(t);

  for (const node of graph.nodes) {
    if ((node.domain ?? '') !== '') continue;
    if (node.opType === 'Conv' || node.opType === 'ConvTranspose') {
      const folded = scaleIntoWeight(node, graph, shapes, constants, single, e);
      if (folded) replaced.set(node, folded);
    }
  }
  if (replaced.size === 0) return m;
  return shapedResult(m, e.replaceIn(model, replaced), e);
}

/** Tensors ONNX Runtime computes once at load: initializers (not graph inputs) and what only they feed. */
export function constantTensors(graph: Graph): Set<string> {
  const inputs = new Set(graph.inputs.map((v) => v.name));
  const constant = new Set([...graph.initializers.keys()].filter((t) => !inputs.has(t)));
  for (const n of graph.nodes) {
    const fed = n.input.filter((t) => t);
    if (NOT_FOLDED.has(n.opType) || (fed.length === 0 && n.opType !== 'Constant')) continue;
    if (fed.every((t) => constant.has(t))) for (const o of n.output) if (o) constant.add(o);
  }
  return constant;
}

function dims(shapes: ReadonlyMap<string, TensorInfo>, t: string): readonly number[] | undefined {
  return shapes.get(t)?.shape;
}

function sameDims(a: readonly number[] | undefined, b: readonly number[] | undefined): boolean {
  return a !== undefined && b !== undefined && a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Conv(Mul(dY, s), W) as Conv(dY, Mul(W, s')) for a constant s that scales only dY's channel
 * axis, a constant W and group 1; the Mul must feed nothing else.
 */
function scaleIntoWeight(
  conv: NodeProto, graph: Graph, shapes: ReadonlyMap<string, TensorInfo>, constants: ReadonlySet<string>, single: (t: string) => boolean, e: NodeEmitter,
): NodeProto[] | undefined {
  const x = conv.input[0] ?? '';
  const w = conv.input[1] ?? '';
  const i = graph.producer.get(x);
  const mul = i === undefined ? undefined : graph.nodes[i];
  if (!mul || mul.opType !== 'Mul' || (mul.domain ?? '') !== '' || !single(x) || !constants.has(w)) return undefined;
  if (new Attrs(conv).int('group', 1) !== 1) return undefined;
  const wShape = dims(shapes, w);
  const xShape = dims(shapes, x);
  if (!wShape || !xShape || shapes.get(w)?.dtype !== 'float32' || shapes.get(x)?.dtype !== 'float32') return undefined;
  const c = xShape[1]!; // a Conv's X is [N, C, ...]
  for (const side of [0, 1] as const) {
    const s = mul.input[side] ?? '';
    const dy = mul.input[1 - side] ?? '';
    const sShape = dims(shapes, s);
    if (!constants.has(s) || !sameDims(dims(shapes, dy), xShape) || !sShape || !perChannel(sShape, xShape.length, c)) continue;
    const transpose = conv.opType === 'ConvTranspose';
    // The weight's axis of dY's channels: 0 for a ConvTranspose ([C, Co, k...]), 1 for a Conv ([Co, C, k...]).
    const scaleShape = wShape.map((_, a) => (a === (transpose ? 0 : 1) ? c : 1));
    const base = `${conv.name || conv.output[0]}/scaled_w`;
    const shape = e.constant(`${base}_scale_shape`, 'int64', [scaleShape.length], scaleShape);
    const sr = e.finalName(`${base}_scale`);
    const scaled = e.finalName(base);
    e.record(scaled, { dtype: 'float32', shape: wShape });
    return [
      { name: e.finalName(`${base}_scale_node`), opType: 'Reshape', domain: '', input: [s, shape], output: [sr], attribute: [] },
      { name: e.finalName(`${base}_node`), opType: 'Mul', domain: '', input: [w, sr], output: [scaled], attribute: [] },
      { ...conv, input: [dy, scaled, ...conv.input.slice(2)] },
    ];
  }
  return undefined;
}

/** Does a tensor of `shape` broadcast against a rank-`rank` [N, C, ...] tensor along C only? */
function perChannel(shape: readonly number[], rank: number, c: number): boolean {
  if (shape.length > rank || shape.length < rank - 1) return false;
  const aligned = [...new Array<number>(rank - shape.length).fill(1), ...shape];
  return aligned.every((d, a) => (a === 1 ? d === c || d === 1 : d === 1));
}
