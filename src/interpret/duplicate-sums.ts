import type { ModelProto, NodeProto } from '../onnx/types.js';

/**
 * `model` with each Sum that adds the same inputs (in the same order) as an earlier Sum
 * replaced by that one. A gradient model sums a tensor's contributions twice when the tensor is
 * both requested and differentiated through (its producer's output gradient, and the requested
 * gradient): ONNX Runtime would merge the two, but rewrites that count a tensor's readers
 * (emitSpatialSum, convTransposesAsPhases) must see one.
 */
export function withoutDuplicateSums(model: ModelProto): ModelProto {
  const first = new Map<string, string>();
  const alias = new Map<string, string>();
  const kept: NodeProto[] = [];
  for (const node of model.graph.node) {
    const inputs = node.input.map((t) => alias.get(t) ?? t);
    const out = node.output[0];
    if (node.opType === 'Sum' && (node.domain ?? '') === '' && node.output.length === 1 && out) {
      const key = JSON.stringify(inputs);
      const earlier = first.get(key);
      if (earlier !== undefined) {
        alias.set(out, earlier);
        continue;
      }
      first.set(key, out);
    }
    kept.push(inputs.some((t, i) => t !== node.input[i]) ? { ...node, input: inputs } : node);
  }
  if (alias.size === 0) return model;
  // A graph output produced by a dropped Sum stays, as an Identity of the one kept.
  const outputs = new Set(model.graph.output.map((o) => o.name));
  for (const [dropped, earlier] of alias) if (outputs.has(dropped)) kept.push({ name: `${dropped}/same_sum`, opType: 'Identity', domain: '', input: [earlier], output: [dropped], attribute: [] });
  return { ...model, graph: { ...model.graph, node: kept } };
}
