import { dtypeFromCode } from '../onnx/dtype.js';
import { tensorValue } from '../onnx/tensor.js';
import type { ShapedModel } from './shaped-model.js';

/**
 * Merges int64 initializers with equal dims and values (shapes, axes, gather indices) into one,
 * so that ORT's common-subexpression elimination sees nodes that compute the same thing from the
 * same tensors as equal: a forward Conv as a GEMM (forwardConvsAsGemm) and its weight gradient's
 * GEMM (weightGradsAsGemm) then share one im2col Gather (commit 56ce87e). Pays whenever two such
 * chains exist; costs one pass over the small int64 constants. Graph inputs and outputs are
 * left alone.
 */
export function shareIntConstants(m: ShapedModel): ShapedModel {
  const { model } = m;
  const io = new Set([...model.graph.input, ...model.graph.output].map((v) => v.name));
  const first = new Map<string, string>();
  const rename = new Map<string, string>();
  const initializer = model.graph.initializer.filter((t) => {
    if (io.has(t.name) || dtypeFromCode(t.dataType, t.name) !== 'int64') return true;
    const key = `${t.dims.join('x')}:${Array.from(tensorValue(t).data).join(',')}`;
    const kept = first.get(key);
    if (kept === undefined) {
      first.set(key, t.name);
      return true;
    }
    rename.set(t.name, kept);
    return false;
  });
  if (rename.size === 0) return m;
  const node = model.graph.node.map((n) => (n.input.some((i) => rename.has(i)) ? { ...n, input: n.input.map((i) => rename.get(i) ?? i) } : n));
  return { model: { ...model, graph: { ...model.graph, node, initializer } }, shapes: m.shapes };
}
