import { dtypeBytes } from '../onnx/dtype.js';
import { numelOf } from '../onnx/tensor.js';
import type { TensorInfo } from '../graph/tensor-meta.js';
import { BitSet } from './bitset.js';
import { crossingTensors, type Dataflow, headFor } from './dataflow.js';
import { regionCutHeads } from './region-cuts.js';

/** A place to cut: the tensors that cross, what they weigh, and what the head costs. */
export interface CutPoint {
  /** tensors that cross the cut, in topological order of their producers */
  readonly tensors: readonly string[];
  /** bytes crossing per inference at the analysed batch size */
  readonly bytes: number;
  /** the last layer of the head (in topological order) */
  readonly afterNode: string;
  /** layers (non-folded nodes) in the head */
  readonly headLayers: number;
  readonly headFlops: number;
  readonly tailFlops: number;
  /** bytes of the weights the head holds */
  readonly headParamBytes: number;
  /** largest total of live activation bytes while running the head, input and cut tensors included */
  readonly headPeakActivationBytes: number;
}

/** What one node contributes to a cut's costs. */
export interface NodeCosts {
  readonly flops: readonly number[];
}

function tensorBytes(info: TensorInfo | undefined): number {
  return info ? numelOf(info.shape) * dtypeBytes(info.dtype) : 0;
}

/**
 * Peak of live activation bytes while a head runs its layers in topological order: a tensor
 * is live from its production until its last reader in the head; cut tensors live to the end.
 */
function peakActivationBytes(flow: Dataflow, head: BitSet, cut: ReadonlySet<string>): number {
  const { graph, inference } = flow;
  const lastUse = new Map<string, number>();
  for (const i of head) {
    if (inference.folded[i]) continue;
    for (const t of (graph.nodes[i] as { input: string[] }).input) if (t && flow.dataTensors.has(t)) lastUse.set(t, i);
  }
  let live = 0;
  for (const v of graph.inputs) if (lastUse.has(v.name) || cut.has(v.name)) live += tensorBytes(inference.tensors.get(v.name));
  let peak = live;
  for (const i of head) {
    if (inference.folded[i]) continue;
    const node = graph.nodes[i] as { input: string[]; output: string[] };
    for (const o of node.output) if (o) live += tensorBytes(inference.tensors.get(o));
    peak = Math.max(peak, live);
    for (const t of new Set([...node.input, ...node.output])) {
      if (t && flow.dataTensors.has(t) && !cut.has(t) && (lastUse.get(t) ?? i) <= i) live -= tensorBytes(inference.tensors.get(t));
    }
  }
  return peak;
}

function paramBytes(flow: Dataflow, head: BitSet): number {
  const seen = new Set<string>();
  let bytes = 0;
  for (const i of head) {
    for (const t of (flow.graph.nodes[i] as { input: string[] }).input) {
      const init = t ? flow.graph.initializers.get(t) : undefined;
      if (!init || seen.has(t)) continue;
      seen.add(t);
      bytes += tensorBytes(flow.inference.tensors.get(t));
    }
  }
  return bytes;
}

/** Describes the cut whose head is `head` and whose crossing tensors are `tensors`. */
export function describeCut(flow: Dataflow, head: BitSet, tensors: readonly string[], costs: NodeCosts): CutPoint {
  const { graph, inference } = flow;
  let headFlops = 0;
  let totalFlops = 0;
  let headLayers = 0;
  let last = -1;
  costs.flops.forEach((f, i) => {
    totalFlops += f;
    if (head.has(i)) {
      headFlops += f;
      if (!inference.folded[i]) {
        headLayers++;
        last = i;
      }
    }
  });
  const order = (t: string) => graph.producer.get(t) ?? -1;
  const sorted = [...tensors].sort((a, b) => order(a) - order(b) || (a < b ? -1 : 1));
  return {
    tensors: sorted,
    bytes: sorted.reduce((s, t) => s + tensorBytes(inference.tensors.get(t)), 0),
    afterNode: last >= 0 ? (graph.nodeNames[last] as string) : '(input)',
    headLayers,
    headFlops,
    tailFlops: totalFlops - headFlops,
    headParamBytes: paramBytes(flow, head),
    headPeakActivationBytes: peakActivationBytes(flow, head, new Set(sorted)),
  };
}

/**
 * Every cut where one tensor crosses (for each data tensor t: the head that computes t; it is a
 * cut when t alone crosses), and with `maxTensors` > 1 also the cuts of up to that many tensors
 * inside the regions between single-tensor cuts (residual blocks, Inception branches: every
 * combination of branch depths), plus the topological prefixes where a region is too large.
 * Cuts that leave the head or the tail without a layer are not listed.
 */
export function findCutPoints(flow: Dataflow, costs: NodeCosts, maxTensors = 1): CutPoint[] {
  const { graph, inference } = flow;
  const found = new Map<string, { head: BitSet; tensors: string[] }>();
  const layerCount = inference.folded.filter((f) => !f).length;
  const consider = (head: BitSet, tensors: string[]) => {
    if (tensors.length === 0 || tensors.length > maxTensors) return;
    let layers = 0;
    for (const i of head) if (!inference.folded[i]) layers++;
    if (layers === 0 || layers === layerCount) return;
    const key = [...tensors].sort().join('\u0000');
    if (!found.has(key)) found.set(key, { head, tensors });
  };
  const singleHeads: BitSet[] = [];
  for (const t of flow.dataTensors) {
    const p = graph.producer.get(t);
    if (p === undefined) continue;
    const head = headFor(flow, [t]);
    const crossing = crossingTensors(flow, head, maxTensors);
    if (crossing.length === 1 && crossing[0] === t) {
      consider(head, crossing);
      singleHeads.push(head);
    } else if (maxTensors > 1) consider(head, crossing);
  }
  if (maxTensors > 1) {
    const canonical = (head: BitSet) => {
      const crossing = crossingTensors(flow, head, maxTensors);
      if (crossing.length > maxTensors) return;
      const smallest = headFor(flow, crossing);
      const again = crossingTensors(flow, smallest, maxTensors);
      consider(smallest, again.length <= maxTensors ? again : crossing);
    };
    // Inside each region between single-tensor cuts, every head closed under dependence.
    const regions = regionCutHeads(flow, singleHeads, maxTensors);
    for (const head of regions.heads) canonical(head);
    // Topological prefixes cover regions too large to explore whole.
    const prefix = new BitSet(graph.nodes.length);
    graph.nodes.forEach((_, i) => {
      prefix.add(i);
      if (!inference.folded[i]) canonical(prefix);
    });
  }
  const cuts = [...found.values()].map(({ head, tensors }) => describeCut(flow, head, tensors, costs));
  return cuts.sort((a, b) => a.headLayers - b.headLayers || a.headFlops - b.headFlops || a.tensors.length - b.tensors.length);
}
