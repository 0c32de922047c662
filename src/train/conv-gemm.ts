import { nodeContext } from '../analysis/infer.js';
import { BackwardEmitter } from '../autodiff/node-grad-context.js';
import { graphFromModel } from '../graph/graph.js';
import type { ModelProto, NodeProto } from '../onnx/types.js';
import { convByGemm, convByGemmPays, type NodeSink } from '../ops/conv.js';
import type { TensorInfo } from '../graph/tensor-meta.js';
import { convParams } from '../ops/shared/conv-geometry.js';

/**
 * Rewrites the named forward Conv nodes of a training step into one GEMM over batch-wide im2col
 * patches (`convByGemm`) where that pays (`convByGemmPays`: group 1, batch >= 16, and a reduction
 * over >= 1024 channel-tap pairs, where ORT's Conv works in narrow chunks, or <= 64 positions). The output keeps its
 * name, so the gradient nodes that read it are unchanged; the rewrite comes after autodiff, which
 * differentiated the Conv itself.
 */
export function forwardConvsAsGemm(step: ModelProto, shapes: ReadonlyMap<string, TensorInfo>, names: ReadonlySet<string>): ModelProto {
  const graph = graphFromModel(step);
  const emitter = new BackwardEmitter(graph, step);
  const nodes: NodeProto[] = [];
  step.graph.node.forEach((node, i) => {
    const [x, w, y] = [shapes.get(node.input[0] ?? ''), shapes.get(node.input[1] ?? ''), shapes.get(node.output[0] ?? '')];
    const known = (t: TensorInfo | undefined): t is TensorInfo => t !== undefined && t.shape.every((d) => Number.isInteger(d) && d > 0);
    if (node.opType !== 'Conv' || (node.domain ?? '') !== '' || !names.has(node.name) || !known(x) || !known(w) || !known(y) || x.dtype !== 'float32') {
      nodes.push(node);
      return;
    }
    const ctx = nodeContext(graph, node, i);
    const p = convParams(ctx, x.shape, w.shape.slice(2));
    const reduction = w.shape.slice(1).reduce((a, b) => a * b, 1);
    if (!convByGemmPays(x.shape[0] as number, p.group, reduction, y.shape.slice(2).reduce((a, b) => a * b, 1))) {
      nodes.push(node);
      return;
    }
    const start = emitter.nodes.length;
    const prefix = `${node.name}/gemm`;
    const sink: NodeSink = {
      opset: ctx.opset,
      emit: (opType, inputs, purpose, attrs) => emitter.emit(opType, inputs, 1, `${prefix}/${purpose}`, attrs)[0] as string,
      constant: (purpose, dtype, dims, data) => emitter.constant(`${prefix}/${purpose}`, dtype, dims, data),
    };
    const out = convByGemm(sink, node.input[0] as string, node.input[1] as string, node.input[2] ?? '', x.shape, w.shape, y.shape, p);
    emitter.node('Identity', [out], [node.output[0] as string], `${prefix}/output`);
    nodes.push(...emitter.nodes.slice(start));
  });
  return { ...step, graph: { ...step.graph, node: nodes, initializer: [...step.graph.initializer, ...emitter.initializers] } };
}
