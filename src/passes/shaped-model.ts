import type { NodeEmitter } from '../autodiff/emitter.js';
import { Attrs } from '../graph/attributes.js';
import type { AttrValue } from '../graph/builder.js';
import type { DType } from '../onnx/dtype.js';
import type { ModelProto, NodeProto } from '../onnx/types.js';
import type { TensorInfo } from '../graph/tensor-meta.js';
import type { OpContext } from '../ops/op.js';

/**
 * What every pass takes and returns: a model and the static shapes of its tensors (those the
 * passes read: forward tensors, gradients, constants). A pass adds the shapes of the tensors it
 * makes that a later pass may read, so no pass infers shapes again.
 */
export interface ShapedModel {
  readonly model: ModelProto;
  readonly shapes: ReadonlyMap<string, TensorInfo>;
}

/** A pass: a pure rewrite for ONNX Runtime's speed, returning its input when nothing pays. */
export type Pass = (m: ShapedModel) => ShapedModel;

/** Where a pass's rewrites add nodes: its opset, and nodes and constants named after a prefix. */
export interface NodeSink {
  readonly opset: number;
  emit(opType: string, inputs: readonly string[], purpose: string, attrs?: Readonly<Record<string, AttrValue>>): string;
  constant(purpose: string, dtype: DType, dims: readonly number[], data: ArrayLike<number>): string;
}

/** A NodeSink adding to `e` under `<prefix>/`. */
export function prefixedSink(e: NodeEmitter, prefix: string): NodeSink {
  return {
    opset: e.opset,
    emit: (opType, inputs, purpose, attrs) => e.emitOne(opType, inputs, `${prefix}/${purpose}`, attrs),
    constant: (purpose, dtype, dims, data) => e.constant(`${prefix}/${purpose}`, dtype, dims, data),
  };
}

/** Reshape to a static shape. */
export function view(g: NodeSink, t: string, shape: readonly number[], purpose: string): string {
  return g.emit('Reshape', [t, g.constant(`${purpose}_shape`, 'int64', [shape.length], shape)], purpose);
}

/** Is every dim of the tensor known (a positive integer)? */
export function known(t: TensorInfo | undefined): t is TensorInfo {
  return t !== undefined && t.shape.every((d) => Number.isInteger(d) && d > 0);
}

/** A node's context for the op helpers (attributes, the opset of its domain), without a graph index. */
export function opContext(model: ModelProto, node: NodeProto): OpContext {
  const domain = !node.domain || node.domain === 'ai.onnx' ? '' : node.domain;
  const opset = model.opsetImport.find((o) => (!o.domain || o.domain === 'ai.onnx' ? '' : o.domain) === domain);
  return { node, name: node.name || node.opType, opset: opset ? Number(opset.version) : 1, attrs: new Attrs(node) };
}

/** The result of a pass that emitted through `e`: the new model, and the shapes plus those `e` knows. */
export function shapedResult(input: ShapedModel, model: ModelProto, e: NodeEmitter): ShapedModel {
  if (model === input.model) return input;
  const shapes = new Map(input.shapes);
  for (const [t, info] of e.shapes) shapes.set(t, info);
  return { model, shapes };
}

/** How many nodes read each tensor (graph outputs count as one reader each). */
export function readerCounts(model: ModelProto): Map<string, number> {
  const count = new Map<string, number>();
  const add = (t: string) => count.set(t, (count.get(t) ?? 0) + 1);
  for (const n of model.graph.node) for (const t of new Set(n.input)) if (t) add(t);
  for (const o of model.graph.output) add(o.name);
  return count;
}
