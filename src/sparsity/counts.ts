import type { NodeCountHook, NodeCounts } from '../analysis/analyze.js';
import { FLOPS_PER_MAC } from '../graph/tensor-meta.js';
import type { Graph } from '../graph/graph.js';
import { numelOf } from '../onnx/tensor.js';
import { formatDensity } from './degrees.js';
import { presentRecords, type SparseLayerRecord } from './metadata.js';

const FLOAT_BYTES = 4;

/**
 * A compact layer, counted from its nonzeros. Its weight is computed by the expansion
 * subgraph, so the op rule counted no weight parameters and the dense MACs. Every output of
 * a Dey pattern reads the same fi of the p inputs, so the MACs scale exactly by kept/dense;
 * the weight read is the kept values plus the mask bits.
 */
function compactCounts(r: SparseLayerRecord, graph: Graph, counts: NodeCounts): NodeCounts {
  // Bounds: a compact record names its values and mask (checkRecord requires both for the compact form).
  const values = graph.initializers.get(r.values!);
  const mask = graph.initializers.get(r.mask!);
  const dense = numelOf(r.weightDims);
  const kept = values ? numelOf(values.dims.map(Number)) : Math.round(dense * r.density);
  const macs = counts.cost.macs ?? 0;
  const keptMacs = (macs * kept) / dense;
  const maskBytes = mask ? numelOf(mask.dims.map(Number)) : Math.ceil(dense / 8);
  return {
    params: counts.params + kept,
    cost: {
      flops: counts.cost.flops - FLOPS_PER_MAC * (macs - keptMacs),
      macs: keptMacs,
      bytesRead: counts.cost.bytesRead - FLOAT_BYTES * (dense - kept) + maskBytes,
      bytesWritten: counts.cost.bytesWritten,
    },
    note: `sparse ${formatDensity(r.density)} (${r.granularity} mask, compact): ${kept} of ${dense} weights`,
  };
}

/**
 * The analysis hook for sparse models: pass `{ nodeCounts: sparseNodeCounts(graph) }` to
 * `analyze`. Compact layers are counted from their nonzeros (parameters, MACs, FLOPs, weight
 * bytes); structured layers already are (their grouped weights hold the kept connections
 * only), so they get a note and keep their counts. The cut table's head FLOPs follow.
 */
export function sparseNodeCounts(graph: Graph): NodeCountHook {
  const byIndex = new Map<number, SparseLayerRecord>();
  for (const r of presentRecords(graph.model)) {
    const i = graph.nodeNames.indexOf(r.node);
    if (i >= 0) byIndex.set(i, r);
  }
  return (index, counts) => {
    const r = byIndex.get(index);
    if (!r) return undefined;
    if (r.form === 'compact') return compactCounts(r, graph, counts);
    return { ...counts, note: `sparse ${formatDensity(r.density)} (structured, ${r.groups} groups): the weight holds the kept connections only` };
  };
}
