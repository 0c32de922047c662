import { graphFromModel } from '../graph/graph.js';
import type { NodeProto } from '../onnx/types.js';
import type { ShapedModel } from './shaped-model.js';

/**
 * The model without the nodes no graph output depends on (ONNX Runtime would run them), nor
 * the initializers only they read (an initializer that is also a graph input stays). Pays after rewrites that leave nodes unread (spatialSumsThroughConvs,
 * batchNormScalesIntoWeights). A model with subgraphs (If, Loop, Scan), which read outer tensors
 * unnamed in their inputs, is left whole.
 */
export function withoutDeadNodes(m: ShapedModel): ShapedModel {
  const { model } = m;
  const g = model.graph;
  if (g.node.some((n) => n.attribute.some((a) => a.g || (a.graphs?.length ?? 0) > 0))) return m;
  const needed = new Set(g.output.map((o) => o.name));
  const order = graphFromModel(model).nodes;
  const live = new Set<NodeProto>();
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!; // i < order.length
    if (!node.output.some((o) => o && needed.has(o))) continue;
    live.add(node);
    for (const t of node.input) if (t) needed.add(t);
  }
  if (live.size === g.node.length) return m;
  const inputs = new Set(g.input.map((v) => v.name));
  const graph = { ...g, node: g.node.filter((n) => live.has(n)), initializer: g.initializer.filter((t) => needed.has(t.name) || inputs.has(t.name)) };
  return { model: { ...model, graph }, shapes: m.shapes };
}
