import { closest } from 'fastest-levenshtein';
import { type Inference, inferShapes, nodeContext, type ShapeBinding } from '../analysis/infer.js';
import { BadModelError, BadRequestError, UnsupportedOpError } from '../errors.js';
import { type Graph, graphFromModel } from '../graph/graph.js';
import { valueInfo } from '../graph/builder.js';
import type { TensorInfo } from '../graph/tensor-meta.js';
import type { ModelProto, NodeProto, ValueInfoProto } from '../onnx/types.js';
import { differentiableAt } from '../ops/op.js';
import { nodeEmitter } from './emitter.js';
import { EMIT_MIN_OPSET, raiseOpset } from './opset-upgrade.js';
import { opsetProblems } from '../ops/opset-check.js';
import { NodeGradContext } from './node-grad-context.js';

/** A tensor whose gradient is given: by another tensor of the model, or by a new graph input. */
export interface GradSeed {
  readonly tensor: string;
  /** name of the tensor holding d(objective)/d(tensor); added as a graph input when the model has no such tensor */
  readonly grad: string;
}

/** What to differentiate and with respect to what. */
export interface GradientRequest {
  /** differentiate this tensor (summed to a scalar when it is not one); or give `seeds` */
  readonly of?: string;
  /** explicit output gradients (vector-Jacobian products), e.g. softmax-cross-entropy's (p - y) / N */
  readonly seeds?: readonly GradSeed[];
  /** tensors (initializers, graph inputs or intermediate activations) whose gradients are wanted */
  readonly wrt: readonly string[];
  /** graph outputs of the result; default: the model's own outputs */
  readonly outputs?: readonly string[];
  /** binds symbolic dims (batch) for the static shapes the rules use */
  readonly binding?: ShapeBinding;
}

/** A model computing the forward outputs and the requested gradients in one run. */
export interface GradientModel {
  readonly model: ModelProto;
  /** wrt tensor -> name of the graph output holding its gradient */
  readonly grads: ReadonlyMap<string, string>;
  /** shapes and types of the forward tensors */
  readonly inference: Inference;
  /**
   * static shapes of the result's tensors where known: the forward ones, each gradient (the
   * shape of its tensor), and the constants the rules added; what the ORT passes read
   */
  readonly shapes: ReadonlyMap<string, TensorInfo>;
  /** number of forward nodes that received a gradient rule */
  readonly activeNodes: number;
}

function checkName(name: string, known: ReadonlyMap<string, unknown>, what: string): void {
  if (known.has(name)) return;
  const hint = known.size ? closest(name, [...known.keys()]) : undefined;
  throw new BadRequestError(`${what} "${name}" is no tensor of the model${hint ? `; did you mean "${hint}"?` : ''}`);
}

/** Tensors that depend on any of `sources`, by a forward pass over the topological order. */
function dependents(graph: Graph, sources: readonly string[]): Set<string> {
  const dep = new Set(sources);
  for (const n of graph.nodes) if (n.input.some((t) => t && dep.has(t))) for (const o of n.output) if (o) dep.add(o);
  return dep;
}

/** Tensors from which any of `targets` can be reached, by a backward pass. */
function ancestors(graph: Graph, targets: readonly string[]): Set<string> {
  const anc = new Set(targets);
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const n = graph.nodes[i]!; // i is a producer from the graph
    if (n.output.some((o) => o && anc.has(o))) for (const t of n.input) if (t) anc.add(t);
  }
  return anc;
}

/**
 * Every node cleave added (gradients, conversions of a raised model) must be valid ONNX at the
 * result's opset; a node that is not would make ONNX Runtime refuse the whole graph with a
 * message about a node the user never wrote. Named here instead, as an op cleave cannot
 * differentiate at this opset.
 */
function checkEmitted(model: ModelProto, original: ReadonlySet<NodeProto>, shapes: ReadonlyMap<string, TensorInfo>): void {
  const [problem] = opsetProblems(model, { only: (n) => !original.has(n), dtypeOf: (t) => shapes.get(t)?.dtype });
  if (problem) throw new UnsupportedOpError(problem.opType, problem.node, problem.opset, 'valid form', `the graphs cleave emits (${problem.message}); re-export the model at a recent opset`);
}

/**
 * Reverse-mode differentiation of an ONNX model into another ONNX model. Walks the nodes on a
 * path from a `wrt` tensor to a seeded tensor in reverse topological order, asks each op's
 * rule to emit the nodes of its input gradients, sums contributions at fan-out, and returns
 * one model with the forward outputs and `<wrt>_grad` outputs. A model below EMIT_MIN_OPSET
 * is raised to it first (opset-upgrade.ts), so the result may import a newer opset than the
 * model; every emitted node is checked against the ONNX schema of the result's opset.
 */
export function buildGradientModel(original: ModelProto, request: GradientRequest): GradientModel {
  // Below EMIT_MIN_OPSET the forms the rules emit do not exist: the model is raised first.
  const model = raiseOpset(original, EMIT_MIN_OPSET, request.binding);
  const graph = graphFromModel(model);
  const inference = inferShapes(graph, request.binding ?? {});
  const tensors = inference.tensors;
  if (request.wrt.length === 0) throw new BadRequestError('no tensors to differentiate with respect to (wrt is empty)');
  if ((request.of === undefined) === (request.seeds === undefined || request.seeds.length === 0)) {
    throw new BadRequestError('give either `of` (a tensor to differentiate) or `seeds` (tensors with given gradients), not both or neither');
  }
  const names = new Map<string, true>();
  for (const t of [...graph.initializers.keys(), ...graph.inputs.map((v) => v.name), ...graph.producer.keys()]) names.set(t, true);
  for (const w of request.wrt) checkName(w, names, 'wrt tensor');
  if (new Set(request.wrt).size !== request.wrt.length) throw new BadRequestError('wrt lists a tensor twice');
  for (const o of request.outputs ?? []) checkName(o, names, 'output');
  if (request.of !== undefined) checkName(request.of, names, 'tensor to differentiate');
  for (const s of request.seeds ?? []) checkName(s.tensor, names, 'seeded tensor');
  const targets = request.of !== undefined ? [request.of] : (request.seeds ?? []).map((s) => s.tensor);

  const dep = dependents(graph, request.wrt);
  const anc = ancestors(graph, targets);
  for (const w of request.wrt) {
    if (!anc.has(w)) throw new BadRequestError(`${targets.join(', ')} does not depend on "${w}": no path leads from it to the differentiated tensor`);
  }
  // Every node on a path needs a rule and known shapes: fail before emitting anything.
  graph.nodes.forEach((node, index) => {
    if (!node.output.some((o) => o && anc.has(o) && dep.has(o))) return;
    const ctx = nodeContext(graph, node, index);
    if (!inference.rules[index]) throw new UnsupportedOpError(node.domain ? `${node.domain}.${node.opType}` : node.opType, ctx.name, ctx.opset);
    const issue = inference.issues.find((i) => i.node === ctx.name);
    if (issue) throw new BadModelError(`cannot differentiate through node "${ctx.name}": ${issue.message}`);
  });

  const emitter = nodeEmitter(model);
  const contributions = new Map<string, string[]>();
  const contribute = (t: string, g: string) => {
    const info = tensors.get(t);
    if (info) emitter.record(g, info);
    const list = contributions.get(t);
    if (list) list.push(g);
    else contributions.set(t, [g]);
  };
  const extraInputs: ValueInfoProto[] = [];
  const infoOf = (t: string): TensorInfo => {
    const info = tensors.get(t);
    if (!info) throw new BadModelError(`the shape of "${t}" is unknown, so its gradient cannot be seeded`);
    return info;
  };
  if (request.of !== undefined) {
    // d(sum y)/dy = 1 everywhere: for a scalar objective this is the usual seed of 1.
    contribute(request.of, emitter.fill(`${request.of}/grad/seed`, infoOf(request.of), 1));
  } else {
    for (const s of request.seeds ?? []) {
      if (!names.has(s.grad)) {
        const info = infoOf(s.tensor);
        extraInputs.push(valueInfo(s.grad, info.dtype, info.shape));
        emitter.reserve(s.grad);
      }
      contribute(s.tensor, s.grad);
    }
  }

  let active = 0;
  for (let index = graph.nodes.length - 1; index >= 0; index--) {
    const node = graph.nodes[index]!; // index < graph.nodes.length
    if (!node.output.some((o) => o && anc.has(o) && dep.has(o))) continue;
    const ctx = nodeContext(graph, node, index);
    const rule = inference.rules[index];
    const wanted = node.input.map((t, i) => Boolean(t) && dep.has(t) && anc.has(t) && (rule !== undefined && differentiableAt(rule, i)));
    const hasGrad = node.output.map((o) => contributions.has(o));
    if (!hasGrad.some(Boolean)) continue;
    if (!rule?.gradient) {
      if (!wanted.some(Boolean) && rule) continue; // e.g. Shape of an activation: nothing flows back
      throw new UnsupportedOpError(node.opType, ctx.name, ctx.opset, 'gradient rule');
    }
    if (!wanted.some(Boolean)) continue;
    const infos = (names: readonly string[]) => names.map((t) => (t ? tensors.get(t) : undefined));
    const inInfos = infos(node.input);
    const outInfos = infos(node.output);
    node.input.forEach((t, i) => {
      if (wanted[i] && !inInfos[i]) throw new BadModelError(`node "${ctx.name}": shape of input "${t}" is unknown, so its gradient cannot be built`);
    });
    const outGrads = node.output.map((o) => {
      const list = contributions.get(o);
      if (!list) return undefined;
      const sum = emitter.sum(list, `${ctx.name}/grad/${o}_sum`);
      const info = tensors.get(o);
      if (info) emitter.record(sum, info);
      return sum;
    });
    const g = new NodeGradContext(emitter, ctx, inInfos, outInfos, outGrads, wanted);
    rule.gradient(g);
    g.inputGrads.forEach((grad, i) => {
      if (!wanted[i]) return;
      if (grad === undefined) throw new BadModelError(`gradient rule of ${node.opType} (node "${ctx.name}") gave no gradient for input ${i}`);
      contribute(node.input[i]!, grad); // inputGrads has one entry per node input
    });
    active++;
  }

  const grads = new Map<string, string>();
  const gradOutputs: ValueInfoProto[] = [];
  for (const w of request.wrt) {
    const list = contributions.get(w);
    // Reachable (checked above) but every path goes through inputs no rule differentiates.
    if (!list) throw new BadRequestError(`no gradient flows to "${w}": every path from it passes through non-differentiable inputs`);
    const name = emitter.finalName(`${w}_grad`);
    const info = tensors.get(w);
    if (!info) throw new BadModelError(`the shape of "${w}" is unknown, so its gradient cannot be declared as an output`);
    const sum = emitter.sum(list, `${w}/grad/sum`);
    emitter.record(sum, info);
    emitter.node('Identity', [sum], [name], `${w}/grad/out`);
    emitter.record(name, info);
    grads.set(w, name);
    gradOutputs.push(valueInfo(name, info.dtype, info.shape));
  }

  const outNames = request.outputs ?? graph.outputs.map((o) => o.name);
  const forwardOutputs = outNames.map((o) => {
    const info = tensors.get(o);
    return info ? valueInfo(o, info.dtype, info.shape) : { name: o };
  });
  const appended = emitter.appendTo(model, { extraInputs, outputs: [...forwardOutputs, ...gradOutputs] });
  const out: ModelProto = { ...appended, graph: { ...appended.graph, valueInfo: [] } };
  const shapes = new Map(tensors);
  for (const [t, info] of emitter.shapes) shapes.set(t, info);
  checkEmitted(out, new Set(original.graph.node), shapes);
  return { model: out, grads, inference, shapes, activeNodes: active };
}
