import { lookup } from '../checked.js';
import { type Inference, inferShapes } from '../analysis/infer.js';
import { buildGradientModel } from '../autodiff/backward.js';
import { nodeEmitter } from '../autodiff/emitter.js';
import { liftInitializers } from '../autodiff/lift.js';
import { BadRequestError } from '../errors.js';
import { nodeAttribute, valueInfo } from '../graph/builder.js';
import { type Graph, graphFromModel, opsetOf } from '../graph/graph.js';
import { type DType, dtypeFromCode } from '../onnx/dtype.js';
import { makeTensor } from '../onnx/tensor.js';
import type { ModelProto, NodeProto, TensorProto, ValueInfoProto } from '../onnx/types.js';
import { optimiseForOrt } from '../passes/optimise.js';
import { weightedCrossEntropy, type WeightedOutput } from './loss.js';
import { ADAM_BC1_INPUT, ADAM_BC2_INPUT, emitUpdate, LR_INPUT, type OptimizerSpec, stateSlots, validateOptimizer } from './optimizers.js';

export interface TrainStepOptions {
  /** static batch size of the step (the last, smaller batch of an epoch is dropped) */
  readonly batch: number;
  readonly optimizer: OptimizerSpec;
  /** initializers to train; default: every float weight on a differentiable path to the logits */
  readonly trainable?: readonly string[];
  /** initializers to keep fixed (removed from the default or the given `trainable`) */
  readonly frozen?: readonly string[];
  /** the image input; default: the model's only graph input */
  readonly input?: string;
  /** the class scores; default: the model's first output */
  readonly logits?: string;
  /**
   * several class-score outputs trained together (a model with early exits): the loss is
   * sum_k weight_k CE(logits_k), each weight > 0; instead of `logits`
   */
  readonly outputs?: readonly WeightedOutput[];
  /**
   * 'train' (default): BatchNormalization uses batch statistics and updates its running
   * statistics; 'frozen': BN stays in inference mode with its stored statistics.
   */
  readonly batchNorm?: 'train' | 'frozen';
  /**
   * the BatchNormalization and Dropout nodes that run in training mode (default: all of them);
   * the others run as in inference, so a frozen part of the model computes exactly what it
   * computes at inference and keeps its statistics
   */
  readonly trainModeNodes?: readonly string[];
  /**
   * Run the step's group-1 Convs on ONNX Runtime's NCHWc kernels with this channel block (the
   * CPU's, from probeNchwcBlock; the Trainer does this by default): faster, but the model then
   * runs only in onnxruntime-node on such a CPU. Default: portable ONNX.
   */
  readonly nchwcBlock?: number;
}

/** A trained parameter: fed as `name`, its new value returned as `output`, with optimiser state. */
export interface ParamSlot {
  readonly name: string;
  readonly dims: readonly number[];
  readonly output: string;
  readonly state: readonly { readonly input: string; readonly output: string }[];
}

/** A non-trained buffer updated by the step (BatchNormalization running statistics). */
export interface BufferSlot {
  readonly name: string;
  readonly dims: readonly number[];
  readonly output: string;
}

/** One training step as one ONNX model: batch, labels, weights, state in; loss, new weights, new state out. */
export interface TrainStep {
  readonly model: ModelProto;
  readonly input: string;
  /** one-hot labels [batch, classes] */
  readonly labels: string;
  readonly classes: number;
  readonly batch: number;
  readonly inputDims: readonly number[];
  readonly params: readonly ParamSlot[];
  readonly buffers: readonly BufferSlot[];
  /** the (weighted) loss, a scalar */
  readonly loss: string;
  /** right answers of the first output */
  readonly correct: string;
  /** per trained output, in the order given: its logits, weight, own loss and right answers */
  readonly outputs: readonly TrainedOutput[];
  readonly optimizer: OptimizerSpec;
}

/** One output of a training step and the step's tensors of it. */
export interface TrainedOutput extends WeightedOutput {
  /** its unweighted mean cross-entropy */
  readonly loss: string;
  readonly correct: string;
}

export const LABELS_INPUT = 'train/labels';

function isFloat(t: TensorProto): boolean {
  const d = dtypeFromCode(t.dataType, t.name);
  return d === 'float32';
}

/** The default trainable set: float initializers read at a differentiable input of a node. */
function defaultTrainable(graph: Graph, inf: Inference, input: string): string[] {
  const out = new Set<string>();
  graph.nodes.forEach((n, i) => {
    const rule = inf.rules[i];
    n.input.forEach((t, k) => {
      const init = graph.initializers.get(t);
      if (init && t !== input && isFloat(init) && rule?.differentiable?.[k]) out.add(t);
    });
  });
  return [...out];
}

/** Rewrites BatchNormalization and Dropout nodes into training mode (and lets MaxPool return its arg-max); returns the BN buffers. */
function trainingMode(model: ModelProto, opset: number, bn: 'train' | 'frozen', only?: ReadonlySet<string>): { model: ModelProto; buffers: { name: string; output: string }[]; extraInits: TensorProto[] } {
  // Bounds: ONNX fixes the inputs and outputs these rewrites read: BatchNormalization has 5 inputs (X, scale, B, mean, var) and output 0, MaxPool and Dropout output 0 and Dropout input 0; outs has its 3 entries.
  const buffers: { name: string; output: string }[] = [];
  const extraInits: TensorProto[] = [];
  let trueName: string | undefined;
  const training = (n: NodeProto) => only === undefined || only.has(n.name);
  const nodes: NodeProto[] = model.graph.node.map((n) => {
    if (n.opType === 'BatchNormalization' && bn === 'train' && training(n)) {
      if (opset < 14) throw new BadRequestError(`training BatchNormalization "${n.name}" needs opset >= 14 (the model has ${opset}); use batchNorm: 'frozen' (cleave train --freeze-bn)`);
      const [mean, variance] = [n.input[3]!, n.input[4]!];
      const outs = [n.output[0]!, `${n.name}/running_mean_new`, `${n.name}/running_var_new`];
      buffers.push({ name: mean, output: outs[1]! }, { name: variance, output: outs[2]! });
      const attribute = [...n.attribute.filter((a) => a.name !== 'training_mode'), nodeAttribute('training_mode', 1)];
      return { ...n, output: outs, attribute };
    }
    if (n.opType === 'MaxPool' && n.output.length === 1 && opset >= 8) {
      // The arg-max Indices output feeds MaxPool's gradient; asking for it here saves
      // recomputing the pooling in the backward pass.
      return { ...n, output: [n.output[0]!, `${n.name}/indices`] };
    }
    if (n.opType === 'Dropout' && training(n)) {
      if (opset < 12) throw new BadRequestError(`training Dropout "${n.name}" needs opset >= 12 (the model has ${opset})`);
      if (!trueName) {
        trueName = 'train/true';
        extraInits.push(makeTensor(trueName, 'bool', [], [1]));
      }
      let ratio = n.input[1] ?? '';
      if (!ratio) {
        ratio = `${n.name}/ratio`;
        extraInits.push(makeTensor(ratio, 'float32', [], [0.5]));
      }
      return { ...n, input: [n.input[0]!, ratio, trueName], output: [n.output[0]!, n.output[1] || `${n.name}/mask`] };
    }
    return n;
  });
  return { model: { ...model, graph: { ...model.graph, node: nodes, initializer: [...model.graph.initializer, ...extraInits] } }, buffers, extraInits };
}


/** Checks the outputs to train (distinct tensors, [batch, classes] each, one class count, weights > 0); returns the classes. */
function checkHeads(graph: Graph, inf: Inference, heads: readonly WeightedOutput[]): number {
  // Bounds: heads is not empty (buildTrainStep checks first), so heads[0] exists and classes is set by the first head.
  let classes: number | undefined;
  heads.forEach(({ logits, weight }, k) => {
    if (!graph.producer.has(logits)) throw new BadRequestError(`"${logits}" is no tensor computed by the model`);
    if (heads.findIndex((h) => h.logits === logits) !== k) throw new BadRequestError(`output "${logits}" is listed twice`);
    if (!(Number.isFinite(weight) && weight > 0)) throw new BadRequestError(`the weight of output "${logits}" must be a finite number > 0, got ${weight}`);
    const info = inf.tensors.get(logits);
    if (!info || info.shape.length !== 2) throw new BadRequestError(`logits "${logits}" must have shape [batch, classes]; got ${info ? `[${info.shape.join(', ')}]` : 'an unknown shape'}`);
    const c = info.shape[1]!;
    if (classes !== undefined && c !== classes) throw new BadRequestError(`output "${logits}" has ${c} classes, "${heads[0]!.logits}" ${classes}: outputs trained together share the labels`);
    classes = c;
  });
  return classes!;
}

function dimsOf(model: ModelProto, name: string): number[] {
  const t = model.graph.initializer.find((i) => i.name === name);
  return t ? t.dims.map(Number) : [];
}

/**
 * Builds the training step of a classifier: training-mode BN/Dropout, softmax cross-entropy
 * on the logits, gradients of the trainable weights (autodiff), and the optimiser's update,
 * all in one ONNX model, so that one step is one ORT run.
 */
export function buildTrainStep(model: ModelProto, options: TrainStepOptions): TrainStep {
  // Bounds: one input or a named one (checked), at least one output (a model has one), heads is not empty (checked) and the loss head has one output per head.
  validateOptimizer(options.optimizer);
  const batch = options.batch;
  if (!Number.isInteger(batch) || batch < 1) throw new BadRequestError(`batch must be a positive integer, got ${batch}`);
  // The model is read into a graph and its shapes inferred once here, and once more by autodiff
  // (with the loss head and training-mode outputs); the ORT passes read autodiff's shapes.
  const graph0 = graphFromModel(model);
  if (!options.input && graph0.inputs.length !== 1) throw new BadRequestError(`the model has ${graph0.inputs.length} inputs; say which one is the image with --input`);
  const input = options.input ?? graph0.inputs[0]!.name;
  if (!graph0.inputs.some((v) => v.name === input)) throw new BadRequestError(`"${input}" is no graph input of the model`);
  if (options.logits !== undefined && options.outputs !== undefined) throw new BadRequestError('give logits (one output) or outputs (several, weighted), not both');
  const heads = options.outputs ?? [{ logits: options.logits ?? graph0.outputs[0]!.name, weight: 1 }];
  if (heads.length === 0) throw new BadRequestError('outputs is empty: name at least one output to train');
  const inf0 = inferShapes(graph0, { batch });
  const classes = checkHeads(graph0, inf0, heads);
  const inputDims = inf0.tensors.get(input)?.shape ?? [];
  const only = options.trainModeNodes === undefined ? undefined : new Set(options.trainModeNodes);
  for (const n of only ?? []) if (!graph0.nodeNames.includes(n)) throw new BadRequestError(`trainModeNodes: "${n}" is no node of the model`);

  const inits = new Map(model.graph.initializer.map((t) => [t.name, t]));
  const frozen = new Set(options.frozen ?? []);
  for (const f of frozen) if (!inits.has(f)) throw new BadRequestError(`frozen "${f}" is no initializer of the model`);
  const requested = options.trainable ?? defaultTrainable(graph0, inf0, input);
  for (const t of requested) {
    const init = inits.get(t);
    if (!init) throw new BadRequestError(`trainable "${t}" is no initializer of the model`);
    if (!isFloat(init)) throw new BadRequestError(`trainable "${t}" is not a float32 tensor`);
  }
  const trainable = requested.filter((t) => !frozen.has(t));
  if (trainable.length === 0) throw new BadRequestError('nothing to train: every weight is frozen');

  const { model: trainingModel, buffers: bnBuffers } = trainingMode(model, opsetOf(graph0, '') ?? 1, options.batchNorm ?? 'train', only);
  const buffers = bnBuffers.filter((b) => !trainable.includes(b.name));
  const { model: lifted } = liftInitializers(trainingModel, [...trainable, ...buffers.map((b) => b.name)]);

  // Loss head: appended before differentiation so that each seed w (p - y) / N is a model tensor.
  const headEmitter = nodeEmitter(lifted);
  headEmitter.reserve(LABELS_INPUT);
  const head = weightedCrossEntropy(headEmitter, heads, LABELS_INPUT, batch);
  const first = head.outputs[0]!;
  const withHead = headEmitter.appendTo(lifted, {
    inputs: lifted.graph.input.map((v) => (v.name === input ? valueInfo(input, 'float32', inputDims) : v)),
    extraInputs: [valueInfo(LABELS_INPUT, 'float32', [batch, classes])],
  });
  const grad = buildGradientModel(withHead, {
    seeds: heads.map((h, k) => ({ tensor: h.logits, grad: head.outputs[k]!.logitsGrad })),
    wrt: trainable,
    outputs: [head.loss, first.correct, ...(heads.length > 1 ? head.outputs.flatMap((o) => [o.loss, o.correct]) : [])],
    binding: { batch },
  });

  const gm = grad.model;
  const opt = nodeEmitter(gm);
  for (const n of [LR_INPUT, ADAM_BC1_INPUT, ADAM_BC2_INPUT]) opt.reserve(n);
  const slots = stateSlots(options.optimizer);
  const stateInputs: ValueInfoProto[] = [];
  const params: ParamSlot[] = trainable.map((name) => {
    const dims = dimsOf(model, name);
    const states = slots.map((s) => {
      const n = opt.finalName(`opt/${name}/${s}`);
      stateInputs.push(valueInfo(n, 'float32', dims));
      return n;
    });
    const upd = emitUpdate(opt, options.optimizer, name, lookup(grad.grads, name, 'gradient of a trainable'), states);
    return { name, dims, output: upd.weight, state: upd.state.map(([i, o]) => ({ input: i, output: o })) };
  });
  const scalars = [LR_INPUT, ...(options.optimizer.kind === 'adam' ? [ADAM_BC1_INPUT, ADAM_BC2_INPUT] : [])];
  const f32 = (n: string, dims: readonly number[], dtype: DType = 'float32') => valueInfo(n, dtype, dims);
  const outputs = [
    f32(head.loss, []), f32(first.correct, []),
    ...(heads.length > 1 ? head.outputs.flatMap((o) => [f32(o.loss, []), f32(o.correct, [])]) : []),
    ...params.flatMap((p) => [f32(p.output, p.dims), ...p.state.map((s) => f32(s.output, p.dims))]),
    ...buffers.map((b) => f32(b.output, dimsOf(model, b.name))),
  ];
  const step = opt.appendTo(gm, { extraInputs: [...stateInputs, ...scalars.map((s) => f32(s, []))], outputs });
  // The step's Convs in their fastest forms: ORT's NCHWc kernels where asked, else forward
  // im2col GEMMs where they pay (sharing dW's patches); gradients as GEMMs at training batches.
  const forwardConvs = new Set(lifted.graph.node.filter((n) => n.opType === 'Conv').map((n) => n.name));
  const fast = optimiseForOrt(step, grad.shapes, { weights: 'fed', nchwcBlock: options.nchwcBlock, forwardConvs });
  return {
    model: fast, input, labels: LABELS_INPUT, classes, batch, inputDims,
    params, buffers: buffers.map((b) => ({ ...b, dims: dimsOf(model, b.name) })),
    loss: head.loss, correct: first.correct, optimizer: options.optimizer,
    outputs: heads.map((h, k) => ({ ...h, loss: head.outputs[k]!.loss, correct: head.outputs[k]!.correct })),
  };
}
