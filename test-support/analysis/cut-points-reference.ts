// The cut-point analysis as cleave did it before it became incremental (issue 14): each head
// built from per-node ancestor sets, each crossing and each figure by walking the whole head.
// Quadratic in time and memory, and plainly correct: the reference the incremental code is
// checked against.
import { BitSet } from '../../src/analysis/bitset.js';
import type { CutPoint, NodeCosts } from '../../src/analysis/cut-points.js';
import type { Dataflow } from '../../src/analysis/dataflow.js';
import { byteSize as tensorBytes } from '../../src/graph/tensor-meta.js';

const MAX_REGION_STATES = 2000;

/** Per node: the node itself and every node it depends on, through any edge. */
function ancestorSets(flow: Dataflow): BitSet[] {
  const { graph } = flow;
  const n = graph.nodes.length;
  const ancestors: BitSet[] = [];
  graph.nodes.forEach((node, i) => {
    const set = new BitSet(n);
    set.add(i);
    for (const t of node.input) {
      const p = t ? graph.producer.get(t) : undefined;
      if (p !== undefined) set.union(ancestors[p]!);
    }
    ancestors.push(set);
  });
  return ancestors;
}

/** Data tensors available in `head` that a layer outside it reads; stops past `limit`. */
function crossing(flow: Dataflow, head: BitSet, limit = Infinity): string[] {
  const out: string[] = [];
  for (const t of flow.dataTensors) {
    const p = flow.graph.producer.get(t);
    if (p !== undefined && !head.has(p)) continue;
    if ((flow.layerConsumers.get(t) ?? []).some((r) => !head.has(r))) {
      out.push(t);
      if (out.length > limit) break;
    }
  }
  return out;
}

function headOf(flow: Dataflow, ancestors: readonly BitSet[], tensors: readonly string[]): BitSet {
  const head = new BitSet(flow.graph.nodes.length);
  for (const t of tensors) {
    const p = flow.graph.producer.get(t);
    if (p !== undefined) head.union(ancestors[p]!);
  }
  return head;
}

/** Live activation bytes while the head runs its layers in order; each tensor freed after its last reader in the head. */
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
      if (!t || seen.has(t) || !flow.graph.initializers.has(t)) continue;
      seen.add(t);
      bytes += tensorBytes(flow.inference.tensors.get(t));
    }
  }
  return bytes;
}

/** The figures of one cut, each by a walk over the whole head. */
export function referenceDescribeCut(flow: Dataflow, head: BitSet, tensors: readonly string[], costs: NodeCosts): CutPoint {
  const { graph, inference } = flow;
  let headFlops = 0;
  let totalFlops = 0;
  let headLayers = 0;
  let last = -1;
  costs.flops.forEach((f, i) => {
    totalFlops += f;
    if (!head.has(i)) return;
    headFlops += f;
    if (inference.folded[i]) return;
    headLayers++;
    last = i;
  });
  const order = (t: string) => graph.producer.get(t) ?? -1;
  const sorted = [...tensors].sort((a, b) => order(a) - order(b) || (a < b ? -1 : 1));
  return {
    tensors: sorted,
    bytes: sorted.reduce((s, t) => s + tensorBytes(inference.tensors.get(t)), 0),
    afterNode: last >= 0 ? graph.nodeNames[last]! : '(input)',
    headLayers,
    headFlops,
    tailFlops: totalFlops - headFlops,
    headParamBytes: paramBytes(flow, head),
    headPeakActivationBytes: peakActivationBytes(flow, head, new Set(sorted)),
  };
}

/** Heads of the multi-tensor cuts inside each region between single-tensor cuts, as whole-graph sets. */
function regionHeads(flow: Dataflow, singleHeads: readonly BitSet[], maxTensors: number): BitSet[] {
  const { graph, inference } = flow;
  const n = graph.nodes.length;
  const layers = graph.nodes.map((_, i) => i).filter((i) => !inference.folded[i]);
  const preds = new Map<number, number[]>();
  for (const i of layers) {
    const list: number[] = [];
    for (const t of graph.nodes[i]?.input ?? []) {
      const p = t && !inference.constant.has(t) ? graph.producer.get(t) : undefined;
      if (p !== undefined && !inference.folded[p]) list.push(p);
    }
    preds.set(i, list);
  }
  const layerCount = (s: BitSet) => layers.reduce((c, i) => c + (s.has(i) ? 1 : 0), 0);
  const all = new BitSet(n);
  for (let i = 0; i < n; i++) all.add(i);
  const bounds = [new BitSet(n), ...[...singleHeads].sort((a, b) => layerCount(a) - layerCount(b)), all];
  const heads: BitSet[] = [];
  for (let r = 0; r + 1 < bounds.length; r++) {
    const lo = bounds[r]!;
    const hi = bounds[r + 1]!;
    const region = layers.filter((i) => hi.has(i) && !lo.has(i));
    if (region.length < 2) continue;
    const seen = new Set<string>();
    const stack: BitSet[] = [lo];
    while (stack.length) {
      const state = stack.pop()!;
      for (const i of region) {
        if (state.has(i) || !(preds.get(i) ?? []).every((p) => state.has(p))) continue;
        const next = state.clone();
        next.add(i);
        const key = next.words.join(',');
        if (seen.has(key)) continue;
        if (seen.size >= MAX_REGION_STATES) {
          stack.length = 0;
          break;
        }
        seen.add(key);
        stack.push(next);
        if (crossing(flow, next, maxTensors).length <= maxTensors) heads.push(next);
      }
    }
  }
  return heads;
}

/**
 * findCutPoints as it was, with one rule added with the incremental version: tensors are listed
 * only when they are exactly what crosses from the smallest head computing them (before, a head
 * that also finished an early exit could list tensors that `cut` then refused).
 */
export function referenceCutPoints(flow: Dataflow, costs: NodeCosts, maxTensors = 1): CutPoint[] {
  const { graph, inference } = flow;
  const ancestors = ancestorSets(flow);
  const found = new Map<string, { head: BitSet; tensors: string[] }>();
  const layerCount = inference.folded.filter((f) => !f).length;
  const consider = (tensors: string[]) => {
    if (tensors.length === 0 || tensors.length > maxTensors) return;
    const key = [...tensors].sort().join('\u0000');
    if (found.has(key)) return;
    const head = headOf(flow, ancestors, tensors);
    let layers = 0;
    for (const i of head) if (!inference.folded[i]) layers++;
    if (layers === 0 || layers === layerCount) return;
    const exact = crossing(flow, head);
    if (exact.length === tensors.length && exact.every((t) => tensors.includes(t))) found.set(key, { head, tensors });
  };
  const singleHeads: BitSet[] = [];
  for (const t of flow.dataTensors) {
    if (graph.producer.get(t) === undefined) continue;
    const head = headOf(flow, ancestors, [t]);
    const c = crossing(flow, head, maxTensors);
    if (c.length === 1 && c[0] === t) {
      consider(c);
      singleHeads.push(head);
    } else if (maxTensors > 1) consider(c);
  }
  if (maxTensors > 1) {
    const canonical = (head: BitSet) => {
      const c = crossing(flow, head, maxTensors);
      if (c.length > maxTensors) return;
      const again = crossing(flow, headOf(flow, ancestors, c), maxTensors);
      if (again.length <= maxTensors) consider(again);
    };
    for (const head of regionHeads(flow, singleHeads, maxTensors)) canonical(head);
    const prefix = new BitSet(graph.nodes.length);
    graph.nodes.forEach((_, i) => {
      prefix.add(i);
      if (!inference.folded[i]) canonical(prefix);
    });
  }
  const cuts = [...found.values()].map(({ head, tensors }) => referenceDescribeCut(flow, head, tensors, costs));
  return cuts.sort((a, b) => a.headLayers - b.headLayers || a.headFlops - b.headFlops || a.tensors.length - b.tensors.length);
}
