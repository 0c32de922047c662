import { makeTensor } from '../onnx/tensor.js';
import { AttrType, type ModelProto, type NodeProto, type TensorProto } from '../onnx/types.js';

/** Where a [N, F] tensor is seen as a map [N, F, 1, 1]: the map's name for Grad-CAM. */
export interface DenseView {
  readonly tensor: string;
  readonly map: string;
}

/**
 * Rewrites a model so that each listed rank-2 tensor t ([N, F], after Flatten or Gemm) is
 * read by its consumers through t -> Unsqueeze -> t/isplit_map [N, F, 1, 1] -> Flatten. The
 * map lies on every path from t to the logits, so dy_c / d(map) equals dy_c / dt: Grad-CAM of
 * the map is Grad-CAM of t with F channels and one spatial position (H = W = 1), which is how
 * I-SPLIT scores a dense layer. Values computed by the model do not change.
 */
export function exposeDenseAsMaps(model: ModelProto, tensors: readonly string[], opset: number): { model: ModelProto; views: DenseView[] } {
  if (tensors.length === 0) return { model, views: [] };
  const wanted = new Set(tensors);
  const views: DenseView[] = [];
  const extraInits: TensorProto[] = [];
  const renamed = new Map<string, string>();
  const nodes: NodeProto[] = [];
  for (const n of model.graph.node) {
    nodes.push({ ...n, input: n.input.map((t) => renamed.get(t) ?? t) });
    for (const t of n.output) {
      if (!wanted.has(t)) continue;
      const map = `${t}/isplit_map`;
      const flat = `${t}/isplit_flat`;
      const unsqueeze: NodeProto = opset >= 13
        ? { name: `${t}/isplit_unsqueeze`, opType: 'Unsqueeze', domain: '', input: [t, `${t}/isplit_axes`], output: [map], attribute: [] }
        : { name: `${t}/isplit_unsqueeze`, opType: 'Unsqueeze', domain: '', input: [t], output: [map], attribute: [{ name: 'axes', type: AttrType.INTS, ints: [2, 3] }] };
      if (opset >= 13) extraInits.push(makeTensor(`${t}/isplit_axes`, 'int64', [2], [2, 3]));
      nodes.push(unsqueeze);
      nodes.push({ name: `${t}/isplit_flatten`, opType: 'Flatten', domain: '', input: [map], output: [flat], attribute: [{ name: 'axis', type: AttrType.INT, i: 1 }] });
      renamed.set(t, flat);
      views.push({ tensor: t, map });
    }
  }
  return {
    model: { ...model, graph: { ...model.graph, node: nodes, initializer: [...model.graph.initializer, ...extraInits] } },
    views,
  };
}
