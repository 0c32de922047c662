import type { Graph } from '../graph/graph.js';
import { dtypeBytes, isFloat } from '../onnx/dtype.js';
import { numelOf } from '../onnx/tensor.js';
import type { TensorInfo } from '../graph/tensor-meta.js';
import { type Cost, differentiableAt } from '../ops/op.js';
import { type CutPoint, findCutPoints } from './cut-points.js';
import { type Dataflow, dataflowOf } from './dataflow.js';
import { type Inference, inferShapes, type NodeIssue, nodeContext, type ShapeBinding } from './infer.js';

export interface AnalyzeOptions extends ShapeBinding {
  /** also list cuts where up to this many tensors cross (default 1) */
  readonly maxTensors?: number;
  /** corrects a node's counts where a later stage knows better (sparse layers: see sparsity/counts.ts) */
  readonly nodeCounts?: NodeCountHook;
}

/** A node's learned parameters and cost, with a word on how they were counted. */
export interface NodeCounts {
  readonly params: number;
  readonly cost: Cost;
  readonly note?: string;
}

/**
 * Called per node (topological index) with the counts from its op rule; returns replacements
 * or undefined to keep them. Lets a stage above analysis (sparsity, which knows a layer's
 * nonzeros) correct the table without analysis knowing its formats.
 */
export type NodeCountHook = (index: number, counts: NodeCounts) => NodeCounts | undefined;

/** One node of the model, with its costs at the analysed batch size. */
export interface NodeRow {
  readonly index: number;
  readonly name: string;
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** static shape of each output ([] where unknown) */
  readonly outputShapes: readonly (readonly number[])[];
  readonly dtype: string;
  /** learned weight elements this node reads (float initializers at differentiable inputs) */
  readonly params: number;
  readonly flops: number;
  readonly macs: number;
  readonly bytesRead: number;
  readonly bytesWritten: number;
  readonly outputBytes: number;
  /** FLOPs of this node and every node before it in topological order */
  readonly cumulativeFlops: number;
  /** computes constants only (shape arithmetic): not a layer, never a cut */
  readonly folded: boolean;
  /** false when cleave has no rule for the op or could not infer its shapes */
  readonly known: boolean;
  /** how the counts were corrected (by the `nodeCounts` hook), e.g. from a sparse layer's nonzeros */
  readonly note?: string;
}

export interface TensorRow {
  readonly name: string;
  readonly kind: 'input' | 'initializer' | 'activation' | 'constant';
  readonly dtype: string;
  readonly shape: readonly number[] | null;
  readonly bytes: number;
  readonly producer: string | null;
  readonly consumers: readonly string[];
}

export interface Totals {
  readonly nodes: number;
  readonly layers: number;
  readonly flops: number;
  readonly macs: number;
  /** learned weights (BatchNorm running statistics excluded, as frameworks count) */
  readonly params: number;
  /** bytes of every float initializer, statistics included: what a device stores */
  readonly paramBytes: number;
  readonly inputBytes: number;
  readonly outputBytes: number;
}

/** Everything `cleave analyze` reports about a model. */
export interface Analysis {
  readonly model: { readonly name: string; readonly producer: string; readonly opset: number; readonly irVersion: number };
  readonly batch: number;
  /** how symbolic input dims were bound */
  readonly binding: ShapeBinding;
  readonly totals: Totals;
  readonly nodes: readonly NodeRow[];
  readonly tensors: readonly TensorRow[];
  readonly cutPoints: readonly CutPoint[];
  readonly issues: readonly NodeIssue[];
  /** internal views reused by cut/ and later stages */
  readonly inference: Inference;
  readonly dataflow: Dataflow;
}

const ZERO: Cost = { flops: 0, macs: 0, bytesRead: 0, bytesWritten: 0 };

function bytesOf(t: TensorInfo | undefined): number {
  return t ? numelOf(t.shape) * dtypeBytes(t.dtype) : 0;
}

/** Analyses a model: per-node and per-tensor table, totals, and every cut point. */
export function analyze(graph: Graph, options: AnalyzeOptions = {}): Analysis {
  // Bounds: i indexes graph.nodes, and nodeNames and inference.folded have one entry per node; every learned initializer has inferred info (it was read from tensors to count it).
  const inference = inferShapes(graph, options);
  const { tensors } = inference;
  const nodes: NodeRow[] = [];
  const learned = new Set<string>();
  const withIssues = new Set(inference.issues.map((x) => x.node));
  let cumulative = 0;
  // Parameters the hook adds or removes against the learned initializers counted below.
  let paramsCorrection = 0;
  graph.nodes.forEach((node, i) => {
    const rule = inference.rules[i];
    const inputs = node.input.map((t) => (t ? tensors.get(t) : undefined));
    const outputs = node.output.map((t) => (t ? tensors.get(t) : undefined));
    const known = rule !== undefined
      && inputs.every((t, k) => t !== undefined || !node.input[k])
      && outputs.every((o, k) => o !== undefined || !node.output[k])
      && !withIssues.has(graph.nodeNames[i]!);
    const folded = inference.folded[i]!;
    let cost = ZERO;
    if (known && !folded && rule) cost = rule.cost(nodeContext(graph, node, i), inputs, outputs as TensorInfo[]);
    const seen = new Set<string>();
    let params = 0;
    node.input.forEach((t, k) => {
      const info = t ? tensors.get(t) : undefined;
      if (!t || seen.has(t) || !graph.initializers.has(t) || !info || !isFloat(info.dtype)) return;
      // Learned weights only: BN running statistics and other non-differentiable inputs are state.
      if (rule && !differentiableAt(rule, k)) return;
      seen.add(t);
      params += numelOf(info.shape);
      if (!folded) learned.add(t);
    });
    if (folded) params = 0;
    const corrected = options.nodeCounts?.(i, { params, cost });
    if (corrected) {
      paramsCorrection += corrected.params - params;
      params = corrected.params;
      cost = corrected.cost;
    }
    cumulative += cost.flops;
    nodes.push({
      index: i,
      name: graph.nodeNames[i]!,
      opType: node.opType,
      inputs: node.input,
      outputs: node.output,
      outputShapes: outputs.map((o) => (o ? o.shape : [])),
      dtype: outputs[0]?.dtype ?? 'unknown',
      params,
      flops: cost.flops,
      macs: cost.macs ?? 0,
      bytesRead: cost.bytesRead,
      bytesWritten: cost.bytesWritten,
      outputBytes: outputs.reduce((s, o) => s + bytesOf(o), 0),
      cumulativeFlops: cumulative,
      folded,
      known,
      ...(corrected?.note ? { note: corrected.note } : {}),
    });
  });

  const dataflow = dataflowOf(graph, inference);
  const cutPoints = findCutPoints(dataflow, { flops: nodes.map((n) => n.flops) }, options.maxTensors ?? 1);

  const tensorRows: TensorRow[] = [];
  const inputNames = new Set(graph.inputs.map((v) => v.name));
  const names = new Set<string>([...inputNames, ...graph.initializers.keys(), ...graph.nodes.flatMap((n) => n.output.filter(Boolean))]);
  for (const name of names) {
    const info = tensors.get(name);
    const p = graph.producer.get(name);
    tensorRows.push({
      name,
      kind: inputNames.has(name) ? 'input' : graph.initializers.has(name) ? 'initializer' : inference.constant.has(name) ? 'constant' : 'activation',
      dtype: info?.dtype ?? 'unknown',
      shape: info ? info.shape : null,
      bytes: bytesOf(info),
      producer: p === undefined ? null : graph.nodeNames[p]!,
      consumers: (graph.consumers.get(name) ?? []).map((c) => graph.nodeNames[c]!),
    });
  }

  const paramsAll = [...graph.initializers.keys()].map((k) => tensors.get(k)).filter((t): t is TensorInfo => !!t && isFloat(t.dtype));
  const totals: Totals = {
    nodes: graph.nodes.length,
    layers: nodes.filter((n) => !n.folded).length,
    flops: cumulative,
    macs: nodes.reduce((s, n) => s + n.macs, 0),
    params: [...learned].reduce((s, t) => s + numelOf(tensors.get(t)!.shape), 0) + paramsCorrection,
    paramBytes: paramsAll.reduce((s, t) => s + bytesOf(t), 0),
    inputBytes: graph.inputs.reduce((s, v) => s + bytesOf(tensors.get(v.name)), 0),
    outputBytes: graph.outputs.reduce((s, v) => s + bytesOf(tensors.get(v.name)), 0),
  };
  const opset = graph.opsets.get('') ?? 0;
  return {
    model: { name: graph.name, producer: graph.model.producerName, opset, irVersion: Number(graph.model.irVersion) },
    batch: options.batch ?? 1,
    binding: { batch: options.batch ?? 1, inputShapes: options.inputShapes },
    totals,
    nodes,
    tensors: tensorRows,
    cutPoints,
    issues: inference.issues,
    inference,
    dataflow,
  };
}
