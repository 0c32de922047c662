import { BitSet } from './bitset.js';
import { crossingTensors, type Dataflow } from './dataflow.js';

/** States explored per region before giving up on it (a DenseNet block has too many). */
export const MAX_REGION_STATES = 2000;

/**
 * Heads of every multi-tensor cut inside the regions between consecutive single-tensor cuts
 * (a residual block, an Inception module): each region's sets of layers closed under
 * dependence, explored one ready layer at a time. Returns the heads whose crossing has at most
 * `maxTensors` tensors, and the regions that were too large to explore whole.
 */
export function regionCutHeads(flow: Dataflow, singleHeads: readonly BitSet[], maxTensors: number): { heads: BitSet[]; truncated: number } {
  const { graph, inference } = flow;
  const n = graph.nodes.length;
  const layers = graph.nodes.map((_, i) => i).filter((i) => !inference.folded[i]);
  // Data predecessors of each layer: the layers producing its non-constant inputs.
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
  const bounds = [new BitSet(n), ...[...singleHeads].sort((a, b) => layerCount(a) - layerCount(b))];
  const all = new BitSet(n);
  for (let i = 0; i < n; i++) all.add(i);
  bounds.push(all);

  const heads: BitSet[] = [];
  let truncated = 0;
  for (let r = 0; r + 1 < bounds.length; r++) {
    const lo = bounds[r] as BitSet;
    const hi = bounds[r + 1] as BitSet;
    const region = layers.filter((i) => hi.has(i) && !lo.has(i));
    if (region.length < 2) continue;
    const seen = new Set<string>();
    const stack: BitSet[] = [lo];
    while (stack.length) {
      const state = stack.pop() as BitSet;
      for (const i of region) {
        if (state.has(i) || !(preds.get(i) ?? []).every((p) => state.has(p))) continue;
        const next = state.clone();
        next.add(i);
        const key = next.words.join(',');
        if (seen.has(key)) continue;
        if (seen.size >= MAX_REGION_STATES) {
          truncated++;
          stack.length = 0;
          break;
        }
        seen.add(key);
        stack.push(next);
        if (crossingTensors(flow, next, maxTensors).length <= maxTensors) heads.push(next);
      }
    }
  }
  return { heads, truncated };
}
