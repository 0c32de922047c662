import { inferShapes, type ShapeBinding } from '../analysis/infer.js';
import { buildGradientModel } from '../autodiff/backward.js';
import { emitReduce } from '../autodiff/emit-ops.js';
import { BackwardEmitter } from '../autodiff/node-grad-context.js';
import { BadRequestError } from '../errors.js';
import { valueInfo } from '../graph/builder.js';
import { graphFromModel, opsetOf } from '../graph/graph.js';
import type { ModelProto, ValueInfoProto } from '../onnx/types.js';
import type { TensorInfo } from '../graph/tensor-meta.js';
import { simplifyBackward } from './backward-peephole.js';
import { convTransposesAsPhases } from './conv-transpose-phases.js';
import { withoutDuplicateSums } from './duplicate-sums.js';
import { emitSpatialSum, type SpatialSumGraph, withoutDeadNodes } from './spatial-sum.js';

export interface GradCamOptions {
  /** tensors to explain ([N, C, spatial...] activations); all in one backward pass */
  readonly layers: readonly string[];
  /** samples per run (the backward graph has static shapes) */
  readonly batch: number;
  /** 'predicted' (default): the arg-max class; 'given': a one-hot class input per sample */
  readonly target?: 'predicted' | 'given';
  /** the image input; default: the model's only graph input */
  readonly input?: string;
  /** the class scores; default: the model's first output */
  readonly logits?: string;
}

/** Where a layer's map comes out of the Grad-CAM model. */
export interface CamLayer {
  readonly tensor: string;
  /** output [N, spatial...]: ReLU(sum_k alpha_k A_k) */
  readonly cam: string;
  readonly spatial: readonly number[];
}

export interface GradCamModel {
  readonly model: ModelProto;
  readonly input: string;
  readonly inputDims: readonly number[];
  readonly logits: string;
  readonly classes: number;
  readonly batch: number;
  /** output [N, classes]: the one-hot class each map explains */
  readonly target: string;
  /** input [N, classes] when the target is 'given' */
  readonly targetInput?: string;
  /** output [N]: the score y_c of that class */
  readonly score: string;
  readonly layers: readonly CamLayer[];
}

export const GRADCAM_TARGET_INPUT = 'gradcam/target';

/**
 * Builds one ONNX model computing Grad-CAM at several layers: the forward pass, the class c
 * (arg-max or given), dy_c/dA for every requested A in one backward pass (seeded with the
 * one-hot of c, since y_c = sum(logits * onehot)), alpha_k = spatial mean of dy_c/dA_k and
 * the map ReLU(sum_k alpha_k A_k) per sample. Samples do not mix (no batch statistics in an
 * inference model), so the seed's sum over the batch gives each sample its own gradient.
 * The weights are fixed, so the backward graph is rewritten for ONNX Runtime (same values, sums
 * in another order): BatchNorm gradient scales folded into the following Convs' weights
 * (simplifyBackward), the earliest layer's alpha from spatial sums that skip its last Convs
 * (emitSpatialSum), stride-2 ConvTransposes as phase Convs (convTransposesAsPhases), dead
 * nodes dropped. ResNet-18 at batch 8: ~5% less time than the plain backward graph.
 */
export function buildGradCamModel(model: ModelProto, options: GradCamOptions): GradCamModel {
  const graph = graphFromModel(model);
  if (options.layers.length === 0) throw new BadRequestError('give at least one layer (tensor) to explain');
  if (!Number.isInteger(options.batch) || options.batch < 1) throw new BadRequestError(`batch must be a positive integer, got ${options.batch}`);
  if (!options.input && graph.inputs.length !== 1) throw new BadRequestError(`the model has ${graph.inputs.length} inputs; name the image input`);
  const input = options.input ?? (graph.inputs[0] as ValueInfoProto).name;
  if (!graph.inputs.some((v) => v.name === input)) throw new BadRequestError(`"${input}" is no graph input of the model`);
  const logits = options.logits ?? (graph.outputs[0] as ValueInfoProto).name;
  const opset = opsetOf(graph, '') ?? 13;
  const binding: ShapeBinding = { batch: options.batch };
  const logitsInfo = inferShapes(graph, binding).tensors.get(logits);
  if (!logitsInfo || logitsInfo.shape.length !== 2) {
    throw new BadRequestError(`logits "${logits}" have shape ${logitsInfo ? `[${logitsInfo.shape.join(', ')}]` : 'unknown'}; Grad-CAM needs [batch, classes]`);
  }
  const classes = logitsInfo.shape[1] as number;

  const e = new BackwardEmitter(graph, model);
  e.reserve(GRADCAM_TARGET_INPUT);
  const given = options.target === 'given';
  let target: string;
  if (given) {
    target = e.emit('Identity', [GRADCAM_TARGET_INPUT], 1, 'gradcam/class')[0] as string;
  } else {
    // One-hot of the arg-max: logits equal to their row maximum.
    const rowMax = emitReduce(e, opset, 'ReduceMax', logits, [1], true, 'gradcam/row_max');
    target = e.emit('Cast', [e.emit('Equal', [logits, rowMax], 1, 'gradcam/is_max')[0] as string], 1, 'gradcam/class', { to: 1 })[0] as string;
  }
  const score = emitReduce(e, opset, 'ReduceSum', e.emit('Mul', [logits, target], 1, 'gradcam/picked')[0] as string, [1], false, 'gradcam/score');
  const head: ModelProto = {
    ...model,
    graph: {
      ...model.graph,
      node: [...model.graph.node, ...e.nodes],
      initializer: [...model.graph.initializer, ...e.initializers],
      input: given ? [...model.graph.input, valueInfo(GRADCAM_TARGET_INPUT, 'float32', [options.batch, classes])] : model.graph.input,
    },
  };
  const grad = buildGradientModel(head, { seeds: [{ tensor: logits, grad: target }], wrt: options.layers, outputs: [logits], binding });
  const tensors = grad.inference.tensors;

  // BatchNorm's gradient scale goes into the Convs' weights first, so that the spatial sums below
  // read the unscaled gradient too; a requested gradient's duplicate Sum goes, so that reader
  // counts are true.
  const gm = withoutDuplicateSums(simplifyBackward(grad.model, binding));
  const gmGraph = graphFromModel(gm);
  const post = new BackwardEmitter(gmGraph, gm);
  for (const tensor of options.layers) {
    const info = tensors.get(tensor) as TensorInfo;
    if (info.shape.length < 3) throw new BadRequestError(`layer "${tensor}" has shape [${info.shape.join(', ')}]; Grad-CAM needs a map [batch, channels, spatial...]`);
  }
  // alpha from the spatial sums of each gradient: where nothing else reads a gradient (the
  // earliest layer's), its last Conv is never run (see emitSpatialSum).
  const kept = new Set([logits, target, score]);
  const sums: SpatialSumGraph = {
    graph: gmGraph,
    shapes: inferShapes(gmGraph, binding).tensors,
    uses: (t) => (gmGraph.consumers.get(t)?.length ?? 0) + post.nodes.filter((n) => n.input.includes(t)).length + (kept.has(t) ? 1 : 0),
  };
  const layers: CamLayer[] = options.layers.map((tensor) => {
    const info = tensors.get(tensor) as TensorInfo;
    const sum = emitSpatialSum(post, sums, opset, grad.grads.get(tensor) as string, `gradcam/${tensor}/grad_sum`);
    const positions = info.shape.slice(2).reduce((a, b) => a * b, 1);
    const mean = post.emit('Div', [sum, post.constant(`gradcam/${tensor}/positions`, 'float32', [], [positions])], 1, `gradcam/${tensor}/grad_mean`)[0] as string;
    // sum_k alpha_k A_k per sample as one batched product [N, 1, C] x [N, C, positions]: one
    // pass over A (a Mul and a ReduceSum over channels took two and a temporary).
    const view = (t: string, dims: readonly number[], purpose: string) =>
      post.emit('Reshape', [t, post.constant(`gradcam/${tensor}/${purpose}_shape`, 'int64', [dims.length], dims)], 1, `gradcam/${tensor}/${purpose}`)[0] as string;
    const channels = info.shape[1] as number;
    const alpha = view(mean, [options.batch, 1, channels], 'alpha');
    const weighted = post.emit('MatMul', [alpha, view(tensor, [options.batch, channels, positions], 'maps')], 1, `gradcam/${tensor}/weighted_sum`)[0] as string;
    const summed = view(weighted, [options.batch, ...info.shape.slice(2)], 'sum');
    const cam = post.emit('Relu', [summed], 1, `gradcam/${tensor}/cam`)[0] as string;
    return { tensor, cam, spatial: info.shape.slice(2) };
  });
  const inputDims = tensors.get(input)?.shape ?? [];
  const outputs = [
    valueInfo(logits, 'float32', logitsInfo.shape),
    valueInfo(target, 'float32', [options.batch, classes]),
    valueInfo(score, 'float32', [options.batch]),
    ...layers.map((l) => valueInfo(l.cam, 'float32', [options.batch, ...l.spatial])),
  ];
  const inputs = gm.graph.input.map((v) => (v.name === input ? valueInfo(input, 'float32', inputDims) : v));
  const out: ModelProto = withoutDeadNodes(convTransposesAsPhases({
    ...gm,
    graph: { ...gm.graph, node: [...gm.graph.node, ...post.nodes], initializer: [...gm.graph.initializer, ...post.initializers], input: inputs, output: outputs },
  }, binding));
  return { model: out, input, inputDims, logits, classes, batch: options.batch, target, targetInput: given ? GRADCAM_TARGET_INPUT : undefined, score, layers };
}
