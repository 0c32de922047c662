import type { BitSet } from './bitset.js';
import { CutIndex, type CutPoint, describeHead, type NodeCosts } from './cut-index.js';
import type { Dataflow } from './dataflow.js';
import { regionCutHeads } from './region-cuts.js';

export type { CutPoint, NodeCosts } from './cut-index.js';

/** Describes the cut whose head is `head` and whose crossing tensors are `tensors`. */
export function describeCut(flow: Dataflow, head: BitSet, tensors: readonly string[], costs: NodeCosts): CutPoint {
  return describeHead(flow, costs, head, tensors, costs.flops.reduce((s, f) => s + f, 0));
}

/**
 * Every cut where one tensor crosses (for each data tensor t: the head that computes t; it is a
 * cut when t alone crosses), and with `maxTensors` > 1 also the cuts of up to that many tensors
 * inside the regions between single-tensor cuts (residual blocks, Inception branches: every
 * combination of branch depths), plus the topological prefixes where a region is too large.
 * Cuts that leave the head or the tail without a layer are not listed, nor tensors that are not
 * exactly what crosses from the smallest head computing them (`cut` refuses those).
 *
 * Single-tensor cuts and their figures come from CutIndex's passes in topological order; every
 * other head is the head of the single cut before it plus nodes of one region, so the work per
 * head is the size of its region, not of the graph.
 */
export function findCutPoints(flow: Dataflow, costs: NodeCosts, maxTensors = 1): CutPoint[] {
  const { graph, inference } = flow;
  const index = new CutIndex(flow, costs);
  const found = new Map<string, CutPoint>();
  // A cut is listed with the head `cut` gives it, the smallest that computes its tensors, and
  // only when exactly those tensors cross from that head: what `cut` accepts. (A head that also
  // finishes a branch nobody reads after it, an early exit, can send fewer tensors than the
  // smallest head that computes them: that is not a cut of its tensors.)
  const consider = (tensors: readonly string[]) => {
    if (tensors.length === 0 || tensors.length > maxTensors) return;
    const key = [...tensors].sort().join('\u0000');
    if (found.has(key)) return;
    const head = index.closure(tensors);
    const layers = index.layers(head);
    if (layers === 0 || layers === index.layerCount) return;
    const crossing = index.crossing(head, maxTensors);
    if (crossing.length === tensors.length && crossing.every((t) => tensors.includes(t))) found.set(key, index.describe(head, tensors));
  };
  for (const t of flow.dataTensors) {
    if (!graph.producer.has(t)) continue;
    // One pass found the single-tensor cuts; others are looked at only for more tensors.
    if (index.isSingle(t)) consider([t]);
    else if (maxTensors > 1) consider(index.crossing(index.closure([t]), maxTensors));
  }
  if (maxTensors > 1) {
    const canonical = (crossing: readonly string[]) => {
      const again = index.crossing(index.closure(crossing), maxTensors);
      if (again.length <= maxTensors) consider(again);
    };
    // Inside each region between single-tensor cuts, every head closed under dependence.
    regionCutHeads(index, maxTensors, canonical);
    // Topological prefixes cover regions too large to explore whole. What crosses from the
    // prefix ending at layer i: tensors computed by then and read after, kept as a live set.
    const freed = new Map<number, string[]>();
    for (const [t, last] of index.lastReader) {
      const list = freed.get(last);
      if (list) list.push(t);
      else freed.set(last, [t]);
    }
    const crossing = new Set<string>(graph.inputs.map((v) => v.name).filter((t) => index.lastReader.has(t)));
    graph.nodes.forEach((node, i) => {
      if (inference.folded[i]) return;
      for (const o of node.output) if (o && index.lastReader.has(o)) crossing.add(o);
      for (const t of freed.get(i) ?? []) crossing.delete(t);
      if (crossing.size <= maxTensors) canonical([...crossing]);
    });
  }
  return [...found.values()].sort((a, b) => a.headLayers - b.headLayers || a.headFlops - b.headFlops || a.tensors.length - b.tensors.length);
}
