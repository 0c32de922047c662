import { BitSet } from './bitset.js';
import type { CutIndex, Head } from './cut-index.js';

/** States explored per region before giving up on it (a DenseNet block has too many). */
export const MAX_REGION_STATES = 2000;

/**
 * Heads of every multi-tensor cut inside the regions between consecutive single-tensor cuts
 * (a residual block, an Inception module): each region's sets of layers closed under
 * dependence, explored one ready layer at a time. A state is a set of the region's layers
 * added to the head of the single cut before the region, so it costs the region's size, not
 * the graph's. Calls `visit` with the crossing of each head where at most `maxTensors` tensors
 * cross, in exploration order; returns how many regions were too large to explore whole.
 */
export function regionCutHeads(index: CutIndex, maxTensors: number, visit: (crossing: readonly string[]) => void): number {
  // Bounds: rank maps each node to 0..singles.length (regions has one more entry than singles), k and x index the region, and the stack is popped only while it is not empty.
  const { graph, inference } = index.flow;
  const regions: number[][] = Array.from({ length: index.singles.length + 1 }, () => []);
  graph.nodes.forEach((_, i) => {
    if (!inference.folded[i]) regions[index.rank[i]!]!.push(i);
  });
  const local = new Int32Array(graph.nodes.length);
  let truncated = 0;
  regions.forEach((region, j) => {
    if (region.length < 2) return;
    region.forEach((i, k) => { local[i] = k; });
    // Data predecessors of each layer inside the region (those before it are in every state).
    const preds = region.map((i) => {
      const list: number[] = [];
      for (const t of graph.nodes[i]?.input ?? []) {
        const p = t && !inference.constant.has(t) ? graph.producer.get(t) : undefined;
        if (p !== undefined && !inference.folded[p] && index.rank[p] === j) list.push(local[p]!);
      }
      return list;
    });
    const seen = new Set<string>();
    const stack: BitSet[] = [new BitSet(region.length)];
    while (stack.length) {
      const state = stack.pop()!;
      for (let k = 0; k < region.length; k++) {
        if (state.has(k) || !preds[k]!.every((p) => state.has(p))) continue;
        const next = state.clone();
        next.add(k);
        const key = next.words.join(',');
        if (seen.has(key)) continue;
        if (seen.size >= MAX_REGION_STATES) {
          truncated++;
          stack.length = 0;
          break;
        }
        seen.add(key);
        stack.push(next);
        const head: Head = { base: j - 1, extra: [...next].map((x) => region[x]!) };
        const crossing = index.crossing(head, maxTensors);
        if (crossing.length <= maxTensors) visit(crossing);
      }
    }
  });
  return truncated;
}
