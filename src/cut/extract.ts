import { closest, distance } from 'fastest-levenshtein';
import type { Analysis } from '../analysis/analyze.js';
import type { BitSet } from '../analysis/bitset.js';
import { crossingTensors, headFor } from '../analysis/dataflow.js';
import { inferShapes } from '../analysis/infer.js';
import { BadRequestError, CutError } from '../errors.js';
import { valueInfo } from '../graph/builder.js';
import { makeTensor } from '../onnx/tensor.js';
import type { ModelProto, NodeProto, TensorProto, ValueInfoProto } from '../onnx/types.js';
import { VERSION } from '../version.js';
import { addHeadExits } from './head-exits.js';

/** The two halves of a model cut at a set of tensors. */
export interface CutModels {
  /** graph inputs -> cut tensors (and any graph outputs the head already computes) */
  readonly head: ModelProto;
  /** cut tensors -> the remaining graph outputs */
  readonly tail: ModelProto;
  /** the tensors that cross, in topological order */
  readonly tensors: readonly string[];
  /** bytes that cross per inference at the analysed batch size */
  readonly bytes: number;
  /**
   * Set when shape arithmetic that depends on the batch size crosses the cut (a reshape to
   * `x.size(0)` of the graph input, say): the tail then stores those values and only runs at
   * this batch size.
   */
  readonly fixedBatch?: number;
  /** folded values the tail stores because it cannot compute them */
  readonly storedValues: readonly string[];
}

/** Up to `n` known tensor names closest to `name`, for "did you mean" messages. */
export function closestNames(name: string, candidates: readonly string[], n = 3): string[] {
  if (candidates.length === 0) return [];
  const best = closest(name, [...candidates]);
  return [...candidates]
    .map((c) => ({ c, d: c === best ? -1 : distance(name, c) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, n)
    .map((x) => x.c);
}

/** Checks cut tensor names against the model; a miss names the closest existing tensors. */
function validateNames(analysis: Analysis, tensors: readonly string[]): void {
  if (tensors.length === 0) throw new BadRequestError('no tensor to cut at: give one or more tensor names (see `cleave analyze` for the cut points)');
  const dupes = tensors.filter((t, i) => tensors.indexOf(t) !== i);
  if (dupes.length) throw new BadRequestError(`tensor "${dupes[0]}" is listed twice`);
  const known = analysis.tensors.map((t) => t.name);
  const knownSet = new Set(known);
  for (const t of tensors) {
    if (!knownSet.has(t)) {
      throw new BadRequestError(`no tensor named "${t}" in the model; closest: ${closestNames(t, known).map((c) => `"${c}"`).join(', ')}`);
    }
    if (!analysis.dataflow.dataTensors.has(t)) {
      throw new CutError(`tensor "${t}" is a weight or a folded constant, not computed from the input: cut at a layer's output instead`);
    }
  }
}

/**
 * Nodes the tail runs to compute `targets` from the cut tensors and the weights, in
 * topological order. A folded value that the tail can only get from a head tensor that does not
 * cross (a Shape of the graph input, say) is left out; buildSide stores its value instead.
 */
function tailNodes(analysis: Analysis, targets: readonly string[], cut: ReadonlySet<string>): number[] {
  // Bounds: the stacks are popped or read only while not empty, and p is a producer from the graph (computable(t) holds, so t has one).
  const { graph, inference } = analysis.dataflow;
  // A folded tensor with a known value can be stored in the tail as a weight.
  const storable = (t: string): boolean => inference.constant.has(t) && inference.tensors.get(t)?.value !== undefined;
  const given = (t: string): boolean => !t || cut.has(t) || graph.initializers.has(t);
  const memo = new Map<string, boolean>();
  // Can the tail compute t from the cut tensors and weights alone (no stored values)? Yes when
  // every input of its producer can be computed or stored. Decided inputs first, with an
  // explicit stack: a chain of thousands of nodes must not meet the call stack's depth.
  const computable = (target: string): boolean => {
    // Bounds: the stack is read only while not empty, and p is a producer from the graph.
    const stack = [target];
    while (stack.length) {
      const t = stack[stack.length - 1]!;
      if (given(t) || memo.has(t)) {
        stack.pop();
        continue;
      }
      const p = graph.producer.get(t);
      const inputs = p === undefined ? [] : graph.nodes[p]!.input;
      const open = inputs.filter((i) => !given(i) && !memo.has(i));
      if (open.length) {
        stack.push(...open);
        continue;
      }
      stack.pop();
      memo.set(t, p !== undefined && inputs.every((i) => given(i) || memo.get(i) === true || storable(i)));
    }
    return given(target) || memo.get(target) === true;
  };
  const include = new Set<number>();
  const stack = [...targets];
  while (stack.length) {
    const t = stack.pop()!;
    if (!t || cut.has(t) || graph.initializers.has(t)) continue;
    if (!computable(t)) {
      if (storable(t)) continue;
      throw new CutError(`the tail needs tensor "${t}", which only the head can compute; add it to the cut`);
    }
    const p = graph.producer.get(t)!;
    if (include.has(p)) continue;
    include.add(p);
    stack.push(...graph.nodes[p]!.input);
  }
  return [...include].sort((a, b) => a - b);
}

/** Declared type of a tensor for the cut models' interface, with the batch dim left symbolic when the model's is. */
function interfaceInfo(analysis: Analysis, name: string, symbolicBatch: string | undefined): ValueInfoProto {
  const declared = analysis.dataflow.graph.declared.get(name);
  if (declared?.type?.tensorType?.shape) return declared;
  const info = analysis.inference.tensors.get(name);
  if (!info) return valueInfo(name, 'float32');
  const shape = info.shape.map((d, i) => (i === 0 && symbolicBatch && d === analysis.batch ? symbolicBatch : d));
  return valueInfo(name, info.dtype, shape);
}

/** A side's graph inputs and outputs, declared with `batch` as the symbolic batch dim (fixed when undefined). */
function sideInterface(analysis: Analysis, inputs: readonly string[], outputs: readonly string[], batch: string | undefined): { input: ValueInfoProto[]; output: ValueInfoProto[] } {
  return { input: inputs.map((t) => interfaceInfo(analysis, t, batch)), output: outputs.map((t) => interfaceInfo(analysis, t, batch)) };
}

function symbolicBatchOf(analysis: Analysis): string | undefined {
  for (const v of analysis.dataflow.graph.inputs) {
    const d = v.type?.tensorType?.shape?.dim[0];
    if (d && (d.dimParam || !Number(d.dimValue))) return d.dimParam || 'N';
  }
  return undefined;
}

/**
 * Builds one side: the given nodes, the initializers they read, their graph inputs, and as
 * initializers the folded values that the side needs but cannot compute (a Shape of a tensor
 * on the other side).
 */
function buildSide(analysis: Analysis, name: string, nodes: readonly number[], inputs: readonly string[], outputs: readonly string[], batch: string | undefined, stored: string[] = []): ModelProto {
  // Bounds: nodes holds node indices of the graph.
  const { graph, inference } = analysis.dataflow;
  const model = graph.model;
  const produced = new Set<string>(nodes.flatMap((i) => graph.nodes[i]!.output));
  const available = new Set<string>([...inputs, ...produced]);
  const initializers: TensorProto[] = [];
  const inits = new Set<string>();
  const keptNodes: NodeProto[] = [];
  for (const i of nodes) {
    const node = graph.nodes[i]!;
    keptNodes.push(node);
    for (const t of node.input) {
      if (!t || available.has(t) || inits.has(t)) continue;
      const init = graph.initializers.get(t);
      if (init) {
        initializers.push(init);
        inits.add(t);
        continue;
      }
      // A folded tensor whose producer is not on this side: materialise its value.
      const info = inference.tensors.get(t);
      if (!info?.value || !inference.constant.has(t)) {
        throw new CutError(`the ${name} needs tensor "${t}" (read by "${graph.nodeNames[i]}"), which is computed on the other side of the cut; add it to the cut`);
      }
      initializers.push(makeTensor(t, info.value.dtype, info.value.dims, info.value.data));
      inits.add(t);
      stored.push(t);
    }
  }
  const valueInfos = graph.model.graph.valueInfo.filter((v) => produced.has(v.name) && !outputs.includes(v.name));
  return {
    irVersion: model.irVersion,
    opsetImport: model.opsetImport,
    producerName: 'cleave',
    producerVersion: VERSION,
    domain: model.domain ?? '',
    modelVersion: model.modelVersion ?? 0,
    docString: `${name} of ${graph.name || 'model'} cut by cleave`,
    graph: {
      name: `${graph.name || 'model'}_${name}`,
      node: keptNodes,
      initializer: initializers,
      ...sideInterface(analysis, inputs, outputs, batch),
      valueInfo: valueInfos,
    },
    functions: model.functions ?? [],
    metadataProps: model.metadataProps ?? [],
  };
}

/** A checked cut: the head's nodes and the tensors that cross, in topological order. */
export interface ResolvedCut {
  readonly head: BitSet;
  readonly tensors: readonly string[];
}

/**
 * Checks that `tensors` are a cut of the model, i.e. exactly the tensors that cross from the
 * smallest head computing them (with the early exits that hang off it, head-exits.ts) to the
 * rest, with a layer on each side. Errors say what to change.
 */
export function resolveCut(analysis: Analysis, tensors: readonly string[]): ResolvedCut {
  validateNames(analysis, tensors);
  const flow = analysis.dataflow;
  const { graph, inference } = flow;
  const head = headFor(flow, tensors);
  addHeadExits(graph, head);
  const crossing = crossingTensors(flow, head);
  const extra = crossing.filter((t) => !tensors.includes(t));
  if (extra.length) {
    throw new CutError(
      `cutting at ${tensors.map((t) => `"${t}"`).join(', ')} does not separate the graph: ${extra.map((t) => `"${t}"`).join(', ')} also cross${extra.length === 1 ? 'es' : ''} from head to tail; add ${extra.length === 1 ? 'it' : 'them'} to --at, or pick a cut listed by \`cleave analyze --max-tensors ${crossing.length}\``,
    );
  }
  const unused = tensors.filter((t) => !crossing.includes(t));
  if (unused.length) {
    throw new CutError(`tensor${unused.length > 1 ? 's' : ''} ${unused.map((t) => `"${t}"`).join(', ')} ${unused.length > 1 ? 'are' : 'is'} not read after the cut (the tail does not need ${unused.length > 1 ? 'them' : 'it'}): drop ${unused.length > 1 ? 'them' : 'it'} from --at`);
  }
  let headLayers = 0;
  for (const i of head) if (!inference.folded[i]) headLayers++;
  if (headLayers === inference.folded.filter((f) => !f).length) throw new CutError('the cut leaves no layer for the tail: cut earlier');
  const order = (t: string) => graph.producer.get(t) ?? -1;
  return { head, tensors: [...crossing].sort((x, y) => order(x) - order(y)) };
}

/**
 * Cuts a model at `tensors`: the head computes them from the graph inputs, the tail computes
 * the graph outputs from them. Fails with CutError when other tensors would also cross.
 */
export function cutModel(analysis: Analysis, tensors: readonly string[]): CutModels {
  // Bounds: head holds node indices of the graph, and leaked is read only when not empty.
  const { head, tensors: cut } = resolveCut(analysis, tensors);
  const { graph, inference } = analysis.dataflow;
  const batch = symbolicBatchOf(analysis);
  const outputsInHead = graph.outputs.map((o) => o.name).filter((o) => {
    const p = graph.producer.get(o);
    return p !== undefined && head.has(p);
  });
  const headOutputs = [...cut, ...outputsInHead.filter((o) => !cut.includes(o))];
  const headNodes = [...head].sort((a, b) => a - b);
  const headInputs = graph.inputs.map((v) => v.name).filter((n) => headNodes.some((i) => graph.nodes[i]!.input.includes(n)));

  const tailTargets = graph.outputs.map((o) => o.name).filter((o) => !outputsInHead.includes(o));
  const tail = tailNodes(analysis, tailTargets, new Set(cut));
  const leaked = tail.filter((i) => head.has(i) && !inference.folded[i]);
  if (leaked.length) throw new CutError(`internal: head layer "${graph.nodeNames[leaked[0]!]}" would run in the tail too`);
  const head_ = buildSide(analysis, 'head', headNodes, headInputs, headOutputs, batch);
  const stored: string[] = [];
  let tailModel = buildSide(analysis, 'tail', tail, cut, tailTargets, batch, stored);
  const fixedBatch = stored.length && batchDependent(analysis, stored) ? analysis.batch : undefined;
  // Stored values that hold the batch size tie the tail to it: declare it fixed.
  if (fixedBatch !== undefined) tailModel = { ...tailModel, graph: { ...tailModel.graph, ...sideInterface(analysis, cut, tailTargets, undefined) } };
  return {
    head: head_,
    tail: tailModel,
    tensors: cut,
    bytes: cut.reduce((s, t) => s + (analysis.tensors.find((r) => r.name === t)?.bytes ?? 0), 0),
    fixedBatch,
    storedValues: stored,
  };
}

/** Do these folded values change with the batch size? (Inferred again at batch + 1.) */
function batchDependent(analysis: Analysis, names: readonly string[]): boolean {
  const other = inferShapes(analysis.dataflow.graph, { ...analysis.binding, batch: analysis.batch + 1 });
  return names.some((n) => {
    const a = analysis.inference.tensors.get(n)?.value;
    const b = other.tensors.get(n)?.value;
    return !a || !b || a.dims.join() !== b.dims.join() || Array.from(a.data).join() !== Array.from(b.data).join();
  });
}
