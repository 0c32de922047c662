import type { NodeProto } from '../onnx/types.js';
import type { ShapedModel } from './shaped-model.js';

/**
 * The model with each Sum that adds the same inputs (in the same order) as an earlier Sum
 * replaced by that one. A gradient model sums a tensor's contributions twice when the tensor is
 * both requested and differentiated through (its producer's output gradient, and the requested
 * gradient): ONNX Runtime would merge the two itself, so this pays nothing by itself; but the
 * rewrites that count a tensor's readers (spatialSumsThroughConvs, convTransposesAsPhases) must
 * see one, so it runs before them.
 */
export function withoutDuplicateSums(m: ShapedModel): ShapedModel {
  const { model } = m;
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
  if (alias.size === 0) return m;
  // A graph output produced by a dropped Sum stays, as an Identity of the one kept.
  const outputs = new Set(model.graph.output.map((o) => o.name));
  for (const [dropped, earlier] of alias) if (outputs.has(dropped)) kept.push({ name: `${dropped}/same_sum`, opType: 'Identity', domain: '', input: [earlier], output: [dropped], attribute: [] });
  return { model: { ...model, graph: { ...model.graph, node: kept } }, shapes: m.shapes };
}
