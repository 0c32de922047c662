import { lookup } from '../checked.js';
import { inferShapes, type ShapeBinding } from '../analysis/infer.js';
import { buildGradientModel } from '../autodiff/backward.js';
import { emitReduce } from '../autodiff/emit-ops.js';
import { nodeEmitter } from '../autodiff/emitter.js';
import { BadRequestError, UnsupportedOpError } from '../errors.js';
import { valueInfo } from '../graph/builder.js';
import { graphFromModel } from '../graph/graph.js';
import type { ModelProto } from '../onnx/types.js';
import type { TensorInfo } from '../graph/tensor-meta.js';
import { optimiseForOrt } from '../passes/optimise.js';
import { checkRunSizes, DEFAULT_MAX_TENSOR_BYTES } from '../runtime/size-limit.js';

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
  /** largest forward tensor allowed (default DEFAULT_MAX_TENSOR_BYTES): the backward graph holds one of each */
  readonly maxTensorBytes?: number;
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
 * The weights are fixed, so the plain graph is then optimised for ONNX Runtime as such
 * (optimiseForOrt, weights 'constant': same values, sums in another order): BatchNorm gradient
 * scales folded into the following Convs' weights, the earliest layer's alpha from spatial sums
 * that skip its last Convs, stride-2 ConvTransposes as phase Convs, dead nodes dropped.
 * ResNet-18 at batch 8: ~5% less time than the plain backward graph.
 */
export function buildGradCamModel(model: ModelProto, options: GradCamOptions): GradCamModel {
  // Bounds: one input or a named one (checked), a model has an output, the logits are [batch, classes] and each layer [batch, channels, ...] (checked).
  const graph = graphFromModel(model);
  if (options.layers.length === 0) throw new BadRequestError('give at least one layer (tensor) to explain');
  if (!Number.isInteger(options.batch) || options.batch < 1) throw new BadRequestError(`batch must be a positive integer, got ${options.batch}`);
  if (!options.input && graph.inputs.length !== 1) throw new BadRequestError(`the model has ${graph.inputs.length} inputs; name the image input`);
  const input = options.input ?? graph.inputs[0]!.name;
  if (!graph.inputs.some((v) => v.name === input)) throw new BadRequestError(`"${input}" is no graph input of the model`);
  const logits = options.logits ?? graph.outputs[0]!.name;
  const binding: ShapeBinding = { batch: options.batch };
  const forward = inferShapes(graph, binding);
  checkRunSizes(graph, forward, options.maxTensorBytes ?? DEFAULT_MAX_TENSOR_BYTES, 'Grad-CAM');
  const logitsInfo = forward.tensors.get(logits);
  // Unknown logits because an op has no rule (an opset-1 Relu): say which op, not just "unknown".
  const unsupported = forward.issues.find((i) => i.code === 'UNSUPPORTED_OP');
  if (!logitsInfo && unsupported) throw new UnsupportedOpError(unsupported.opType, unsupported.node, unsupported.opset);
  if (!logitsInfo || logitsInfo.shape.length !== 2) {
    throw new BadRequestError(`logits "${logits}" have shape ${logitsInfo ? `[${logitsInfo.shape.join(', ')}]` : 'unknown'}; Grad-CAM needs [batch, classes]`);
  }
  const classes = logitsInfo.shape[1]!;

  const e = nodeEmitter(model);
  e.reserve(GRADCAM_TARGET_INPUT);
  const given = options.target === 'given';
  let target: string;
  if (given) {
    target = e.emitOne('Identity', [GRADCAM_TARGET_INPUT], 'gradcam/class');
  } else {
    // One-hot of the arg-max: logits equal to their row maximum.
    const rowMax = emitReduce(e, e.opset, 'ReduceMax', logits, [1], true, 'gradcam/row_max');
    target = e.emitOne('Cast', [e.emitOne('Equal', [logits, rowMax], 'gradcam/is_max')], 'gradcam/class', { to: 1 });
  }
  const score = emitReduce(e, e.opset, 'ReduceSum', e.emitOne('Mul', [logits, target], 'gradcam/picked'), [1], false, 'gradcam/score');
  const head = e.appendTo(model, { extraInputs: given ? [valueInfo(GRADCAM_TARGET_INPUT, 'float32', [options.batch, classes])] : [] });
  const grad = buildGradientModel(head, { seeds: [{ tensor: logits, grad: target }], wrt: options.layers, outputs: [logits], binding });
  const tensors = grad.inference.tensors;

  const gm = grad.model;
  const post = nodeEmitter(gm);
  const infoOf = (tensor: string): TensorInfo => {
    const info = tensors.get(tensor);
    if (!info || info.shape.length < 3) throw new BadRequestError(`layer "${tensor}" has shape ${info ? `[${info.shape.join(', ')}]` : 'unknown'}; Grad-CAM needs a map [batch, channels, spatial...]`);
    return info;
  };
  for (const tensor of options.layers) infoOf(tensor);
  const layers: CamLayer[] = options.layers.map((tensor) => {
    const info = infoOf(tensor);
    const spatial = info.shape.slice(2);
    // The gradient model may import a higher opset than the model (buildGradientModel raises old ones).
    const sum = emitReduce(post, post.opset, 'ReduceSum', lookup(grad.grads, tensor, 'gradient of a Grad-CAM layer'), spatial.map((_, i) => i + 2), false, `gradcam/${tensor}/grad_sum`);
    const positions = spatial.reduce((a, b) => a * b, 1);
    const mean = post.emitOne('Div', [sum, post.constant(`gradcam/${tensor}/positions`, 'float32', [], [positions])], `gradcam/${tensor}/grad_mean`);
    // sum_k alpha_k A_k per sample as one batched product [N, 1, C] x [N, C, positions]: one
    // pass over A (a Mul and a ReduceSum over channels took two and a temporary).
    const view = (t: string, dims: readonly number[], purpose: string) =>
      post.emitOne('Reshape', [t, post.constant(`gradcam/${tensor}/${purpose}_shape`, 'int64', [dims.length], dims)], `gradcam/${tensor}/${purpose}`);
    const channels = info.shape[1]!;
    const alpha = view(mean, [options.batch, 1, channels], 'alpha');
    const weighted = post.emitOne('MatMul', [alpha, view(tensor, [options.batch, channels, positions], 'maps')], `gradcam/${tensor}/weighted_sum`);
    const summed = view(weighted, [options.batch, ...spatial], 'sum');
    const cam = post.emitOne('Relu', [summed], `gradcam/${tensor}/cam`);
    return { tensor, cam, spatial };
  });
  const inputDims = tensors.get(input)?.shape ?? [];
  const outputs = [
    valueInfo(logits, 'float32', logitsInfo.shape),
    valueInfo(target, 'float32', [options.batch, classes]),
    valueInfo(score, 'float32', [options.batch]),
    ...layers.map((l) => valueInfo(l.cam, 'float32', [options.batch, ...l.spatial])),
  ];
  const inputs = gm.graph.input.map((v) => (v.name === input ? valueInfo(input, 'float32', inputDims) : v));
  const plain = post.appendTo(gm, { inputs, outputs });
  // One inference of the plain model gives every pass its shapes.
  const out = optimiseForOrt(plain, inferShapes(graphFromModel(plain), binding).tensors, { weights: 'constant' });
  return { model: out, input, inputDims, logits, classes, batch: options.batch, target, targetInput: given ? GRADCAM_TARGET_INPUT : undefined, score, layers };
}
